package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * A trainer let a run go without failing it: it was shutting down, or a rebalance gave the run's
 * partition to another member. Topic runs. The run is taken again from its newest checkpoint, and
 * that start is not counted among the attempts that died (trainer.max-attempts).
 *
 * @param trainerId the trainer instance that let it go
 * @param atStep    the step it had trained to (the next start resumes from the newest checkpoint, at or before it)
 * @param reason    why, in words: "shutdown" or "partition revoked"
 */
public record RunReleased(String runId, String eventId, Instant timestamp, String trainerId, long atStep, String reason)
        implements Event {

    public static RunReleased of(String runId, String trainerId, long atStep, String reason) {
        return new RunReleased(runId, Event.newId(), Event.now(), trainerId, atStep, reason);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.runReleased(this);
    }
}
