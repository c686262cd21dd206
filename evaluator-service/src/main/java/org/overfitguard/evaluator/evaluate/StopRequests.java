package org.overfitguard.evaluator.evaluate;

import java.util.Locale;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;

/**
 * The StopRequested an evaluation that fired the early-stopping policy calls for, as a function of
 * that EvaluationCompleted alone (it records the reason, the value and the best), so the same
 * request can be said again after a restart from what the evaluations topic holds.
 */
final class StopRequests {

    private StopRequests() {
    }

    /**
     * @param fired an evaluation with a stop reason
     * @param spec  the run's early-stopping settings, for the wording; null when not known (then the thresholds are not quoted)
     */
    static StopRequested of(EvaluationCompleted fired, EarlyStoppingSpec spec) {
        return StopRequestedBuilder.builder().runId(fired.runId()).eventId(Event.newId()).timestamp(Event.now())
                .reason(fired.stopReason()).monitor(fired.monitor()).atStep(fired.step()).bestStep(fired.bestStep())
                .bestValue(fired.bestValue()).bestCheckpoint(fired.bestCheckpoint()).detail(explain(fired, spec)).build();
    }

    private static String explain(EvaluationCompleted e, EarlyStoppingSpec spec) {
        String monitor = e.monitor();
        double value = e.monitoredValue() == null ? Double.NaN : e.monitoredValue();
        return switch (e.stopReason()) {
            case PATIENCE_EXHAUSTED -> e.evaluationsWithoutImprovement() + " evaluations without improvement on " + monitor
                    + " (best " + decimal(e.bestValue()) + " at step " + e.bestStep() + ")";
            case STOPPING_THRESHOLD -> monitor + " " + decimal(value) + " reached stopping_threshold"
                    + (spec == null ? "" : " " + spec.stoppingThreshold());
            case DIVERGENCE -> monitor + " " + decimal(value) + " is worse than divergence_threshold"
                    + (spec == null ? "" : " " + spec.divergenceThreshold());
            case NON_FINITE -> monitor + " is " + value;
            case PRUNED -> throw new IllegalStateException("the early-stopping policy does not prune; the tuner does");
        };
    }

    /** Reasons are read by people: four decimals, as the terminal and dashboard show losses. */
    private static String decimal(Double v) {
        return v == null ? "none" : String.format(Locale.ROOT, "%.4f", v);
    }
}
