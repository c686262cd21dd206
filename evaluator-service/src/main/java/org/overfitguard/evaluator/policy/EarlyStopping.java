package org.overfitguard.evaluator.policy;

import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.EarlyStoppingSpec.DeltaMode;
import org.overfitguard.contracts.spec.EarlyStoppingSpec.Mode;

/**
 * The early-stopping policy of a run spec, as a pure function from (state, evaluation) to state.
 *
 * <p>Semantics, applied to each evaluation in step order:
 * <ol>
 *   <li>An evaluation before {@code start_from_step} is ignored entirely: it neither updates the
 *       best value nor counts against patience, and cannot stop the run.</li>
 *   <li>With {@code check_finite}, a NaN or infinite value stops at once (NON_FINITE); without it,
 *       such a value is simply not an improvement.</li>
 *   <li>An <em>improvement</em> is a value strictly better than the best so far by more than
 *       {@code min_delta} (absolute, or relative: min_delta x |best|); equal is not an improvement.
 *       The first counted value always improves on "no best". An improvement becomes the best.</li>
 *   <li>Patience resets only on an improvement that also beats {@code baseline} (when set, strictly);
 *       every other counted evaluation adds one to the wait. As in Keras, the first evaluations
 *       therefore count against patience until one beats the baseline.</li>
 *   <li>{@code stopping_threshold}: stop when the value reaches it (&lt;= in min mode, &gt;= in max
 *       mode): STOPPING_THRESHOLD.</li>
 *   <li>{@code divergence_threshold}: stop when the value is worse than it (&gt; in min mode, &lt; in
 *       max mode): DIVERGENCE.</li>
 *   <li>Stop when the wait reaches {@code patience}: PATIENCE_EXHAUSTED.</li>
 * </ol>
 * The policy fires once, and its decision is final: later evaluations (of checkpoints written while
 * the stop travelled to the trainer) change nothing, so the best named in StopRequested stays the
 * best. With
 * {@code enabled: false} it never fires but still tracks the best (restore_best uses it).
 */
public final class EarlyStopping {

    private final EarlyStoppingSpec spec;
    private final boolean min;

    public EarlyStopping(EarlyStoppingSpec spec) {
        this.spec = spec;
        this.min = spec.effectiveMode() == Mode.MIN;
    }

    public StopState next(StopState s, long step, double value, String checkpoint) {
        if (s.stopped() || step < spec.startFromStep()) {
            return s;
        }
        boolean finite = Double.isFinite(value);
        if (!finite && spec.checkFinite()) {
            return fire(s, StopReason.NON_FINITE);
        }
        boolean improved = finite && (s.bestValue() == null || better(value, s.bestValue(), margin(s.bestValue())));
        StopState t = improved ? new StopState(value, step, checkpoint, s.sinceImprovement(), s.stopReason()) : s;
        boolean resets = improved && (spec.baseline() == null || better(value, spec.baseline(), 0));
        t = t.withSinceImprovement(resets ? 0 : s.sinceImprovement() + 1);
        if (spec.stoppingThreshold() != null && (min ? value <= spec.stoppingThreshold() : value >= spec.stoppingThreshold())) {
            return fire(t, StopReason.STOPPING_THRESHOLD);
        }
        if (spec.divergenceThreshold() != null && (min ? value > spec.divergenceThreshold() : value < spec.divergenceThreshold())) {
            return fire(t, StopReason.DIVERGENCE);
        }
        if (t.sinceImprovement() >= spec.patience()) {
            return fire(t, StopReason.PATIENCE_EXHAUSTED);
        }
        return t;
    }

    /** Evaluations left before patience is exhausted. */
    public int patienceLeft(StopState s) {
        return Math.max(0, spec.patience() - s.sinceImprovement());
    }

    private boolean better(double value, double reference, double delta) {
        return min ? value < reference - delta : value > reference + delta;
    }

    private double margin(double best) {
        return spec.minDeltaMode() == DeltaMode.RELATIVE ? spec.minDelta() * Math.abs(best) : spec.minDelta();
    }

    private StopState fire(StopState s, StopReason reason) {
        if (!spec.enabled() || s.stopped()) {
            return s;
        }
        return new StopState(s.bestValue(), s.bestStep(), s.bestCheckpoint(), s.sinceImprovement(), reason);
    }
}
