package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * A trial of a promotion-form ASHA sweep ended (completed for any reason, or failed): the evaluator forwards its
 * RunCompleted or RunFailed to topic tuning, keyed by the sweep, so the tuner knows which trials
 * can no longer reach a rung. The promotion form needs it to close a rung. Forwarded again after an
 * evaluator restart; the tuner counts each trial's end once.
 *
 * @param sweepId the sweep; the record key
 * @param reason  how it ended: a completion reason (max_steps, patience_exhausted, pruned, cancelled, ...) or failed
 */
public record TrialEnded(String runId, String eventId, Instant timestamp, String sweepId, String reason) implements Event {

    public static TrialEnded of(String runId, String sweepId, String reason) {
        return new TrialEnded(runId, Event.newId(), Event.now(), sweepId, reason);
    }

    @Override
    public String key() {
        return sweepId;
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.trialEnded(this);
    }
}
