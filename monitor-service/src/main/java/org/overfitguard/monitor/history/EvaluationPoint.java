package org.overfitguard.monitor.history;

import java.time.Instant;
import java.util.Locale;
import org.overfitguard.contracts.events.EvaluationCompleted;

/**
 * A point of a run's held-out curve, with the early-stopping state after it.
 *
 * @param status ok, or error (then the metrics are null and {@code error} says why)
 * @param sample text the model wrote at this step from the fixed prompt
 */
public record EvaluationPoint(long step, Double heldoutLoss, Double perplexity, Double accuracy, Double gap,
                              Double trainLoss, int patienceLeft, Long bestStep, String sample, String status,
                              String error, Instant time) {

    static EvaluationPoint of(EvaluationCompleted e) {
        return new EvaluationPoint(e.step(), e.heldOutLoss(), e.perplexity(), e.accuracy(), e.gap(), e.trainLoss(),
                e.patienceLeft(), e.bestStep(), e.sample(), e.status() == null ? null : e.status().name().toLowerCase(Locale.ROOT),
                e.error(), e.timestamp());
    }
}
