package org.overfitguard.contracts.events;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * The tuner judged a trial at an ASHA rung: continue, or prune (then a StopRequested with reason
 * pruned precedes this event on topic control). Topic tuning, key sweep id. One per (trial, rung):
 * a restarted tuner recomputes every decision from the TrialEvaluated events and publishes only
 * those missing here.
 *
 * @param rung        the rung's index, 0 for min_budget
 * @param rungStep    the rung's budget in steps
 * @param step        the step of the evaluation judged (the first at or past rung_step)
 * @param heldOutLoss its held-out loss
 * @param rank        1 for the best of the trials that reached this rung so far, itself included
 * @param reached     how many trials reached this rung so far, itself included
 * @param kept        how many of those go on: ceil(reached / reduction_factor)
 */
@RecordBuilder
public record TrialJudged(String runId, String eventId, Instant timestamp, String sweepId, int rung, long rungStep, long step,
                          double heldOutLoss, int rank, int reached, int kept, TrialDecision decision)
        implements Event {

    @Override
    public String key() {
        return sweepId;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.trialJudged(this);
    }
}
