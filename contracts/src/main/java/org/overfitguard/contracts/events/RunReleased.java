package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * A trainer let a run go without failing it: it was shutting down, or a rebalance gave the run's
 * partition to another member. Topic runs. The run is taken again from its newest checkpoint, and
 * that start is not counted among the attempts that died (trainer.max-attempts).
 *
 * @param trainerId the trainer instance that let it go
 * @param atStep    the step it had trained to (the next start resumes from the newest checkpoint, at or before it)
 * @param reason    why, in words: "shutdown", "partition revoked" or "paused at rung 0 (90 steps)"
 * @param pausedAtRung a trial of a promotion-form ASHA sweep that reached a rung: it is not taken again
 *                  until a TrialPromoted from that rung (or a stop) arrives; null for every other release
 */
public record RunReleased(String runId, String eventId, Instant timestamp, String trainerId, long atStep, String reason,
                          Integer pausedAtRung) implements Event {

    public static RunReleased of(String runId, String trainerId, long atStep, String reason) {
        return new RunReleased(runId, Event.newId(), Event.now(), trainerId, atStep, reason, null);
    }

    /** A trial pausing at {@code rung} ({@code atStep} steps) until the tuner promotes or prunes it. */
    public static RunReleased paused(String runId, String trainerId, long atStep, int rung) {
        return new RunReleased(runId, Event.newId(), Event.now(), trainerId, atStep,
                "paused at rung " + rung + " (" + atStep + " steps) until the tuner promotes or prunes it", rung);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.runReleased(this);
    }
}
