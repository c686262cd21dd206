package org.overfitguard.contracts.events;

import java.time.Instant;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * A trainer took the run (also after a restart, when it resumes). Topic runs.
 *
 * @param trainerId       the trainer instance that owns the run
 * @param device          the DJL device it trains on, e.g. "cpu()" or "gpu(0)"
 * @param resumedFromStep 0 for a fresh start, else the checkpoint step it resumes from
 */
public record RunStarted(String runId, String eventId, Instant timestamp, RunSpec spec, String trainerId, String device,
                         long resumedFromStep) implements Event {

    public static RunStarted of(String runId, RunSpec spec, String trainerId, String device, long resumedFromStep) {
        return new RunStarted(runId, Event.newId(), Event.now(), spec, trainerId, device, resumedFromStep);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.runStarted(this);
    }
}
