package org.overfitguard.contracts.spec;

/**
 * The evaluator's early-stopping policy; see the evaluator's EarlyStopping class and README for the
 * exact semantics.
 *
 * @param enabled             when off, the run trains to max_steps (and still ends on its best checkpoint if restore_best)
 * @param monitor             heldout_loss, perplexity or accuracy
 * @param mode                min, max, or auto (min for losses, max for accuracy)
 * @param patience            evaluations without improvement before stopping
 * @param minDelta            an improvement must beat best by more than this
 * @param minDeltaMode        absolute, or relative to |best|
 * @param baseline            if set, improvements that do not beat it do not reset patience
 * @param startFromStep       evaluations before this step never stop the run and are not counted
 * @param stoppingThreshold   stop as soon as the metric reaches this target
 * @param divergenceThreshold stop as soon as the metric is worse than this
 * @param checkFinite         stop at once on NaN or infinity
 * @param restoreBest         the final model is the best checkpoint, early stop or not
 */
public record EarlyStoppingSpec(
        boolean enabled,
        Monitor monitor,
        Mode mode,
        int patience,
        double minDelta,
        DeltaMode minDeltaMode,
        Double baseline,
        long startFromStep,
        Double stoppingThreshold,
        Double divergenceThreshold,
        boolean checkFinite,
        boolean restoreBest) {

    public enum Monitor { HELDOUT_LOSS, PERPLEXITY, ACCURACY }

    public enum Mode { AUTO, MIN, MAX }

    public enum DeltaMode { ABSOLUTE, RELATIVE }

    public static EarlyStoppingSpec defaults() {
        return new EarlyStoppingSpec(true, Monitor.HELDOUT_LOSS, Mode.AUTO, 3, 0.0, DeltaMode.ABSOLUTE, null, 0, null,
                null, true, true);
    }

    /** min or max, with auto resolved from the monitor. */
    public Mode effectiveMode() {
        if (mode != Mode.AUTO) {
            return mode;
        }
        return monitor == Monitor.ACCURACY ? Mode.MAX : Mode.MIN;
    }
}
