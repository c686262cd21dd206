package org.overfitguard.contracts.events;

import io.soabase.recordbuilder.core.RecordBuilder;
import java.time.Instant;

/**
 * A trial of an ASHA sweep was evaluated: the evaluator forwards each of its successful evaluations
 * to topic tuning, keyed by the sweep id, so all results of one sweep sit in one partition in one
 * order, which is what the tuner's decisions are a function of. A result may be forwarded twice (after
 * an evaluator restart); the tuner counts each (run, step) once.
 *
 * @param sweepId        the sweep; the record key
 * @param schedule       the sweep's ASHA rule (the same on every trial of the sweep)
 * @param step           the evaluated step
 * @param heldOutLoss    held-out loss there (nats per token; NaN when it diverged)
 * @param monitor        the trial's early-stopping monitor, for its StopRequested
 * @param bestStep       the trial's best evaluation so far, by its own early-stopping policy
 * @param bestValue      the monitored value there
 * @param bestCheckpoint that checkpoint: what a pruned trial finishes on
 */
@RecordBuilder
public record TrialEvaluated(String runId, String eventId, Instant timestamp, String sweepId, AshaSchedule schedule, long step,
                             double heldOutLoss, String monitor, Long bestStep, Double bestValue, String bestCheckpoint)
        implements Event {

    @Override
    public String key() {
        return sweepId;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.trialEvaluated(this);
    }
}
