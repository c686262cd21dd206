package org.overfitguard.contracts.events;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * The tuner promoted a paused trial of a promotion-form ASHA sweep: it may train on from its rung to
 * {@code untilStep} (the next rung, or max_budget). Topic control, key run id, so the trainer that
 * holds the run reads it with the run's other events. Idempotent: a trial's allowance is the
 * highest promotion it has had.
 *
 * @param sweepId   the trial's sweep
 * @param rung      the rung it was promoted from (0 for min_budget)
 * @param untilStep where it pauses next, or ends
 */
@RecordBuilder
public record TrialPromoted(String runId, String eventId, Instant timestamp, String sweepId, int rung, long untilStep)
        implements Event {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.trialPromoted(this);
    }
}
