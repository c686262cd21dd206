package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * The evaluator's early-stopping policy fired. Topic control. The trainer stops within one step and
 * finishes on {@code bestCheckpoint}.
 *
 * @param atStep the step of the deciding evaluation
 */
public record StopRequested(String runId, String eventId, Instant timestamp, StopReason reason, String monitor,
                            long atStep, Long bestStep, Double bestValue, String bestCheckpoint, String detail)
        implements Event {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.stopRequested(this);
    }
}
