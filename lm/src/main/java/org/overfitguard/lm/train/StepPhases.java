package org.overfitguard.lm.train;

import java.util.Arrays;

/**
 * Where a session's training steps spent their time, summed over steps: wall nanoseconds per phase
 * (CPU ops run synchronously, so a phase's clock is its compute; on a GPU the phases would need a
 * synchronisation each and are only indicative). Read by the profiling benchmark.
 */
public final class StepPhases {

    /**
     * The phases of one step, in order. GRADIENTS also reads the loss back (and, with smoothing or the
     * L2 penalty, computes the plain cross-entropy); CLEANUP zeroes the gradients and frees the step's temporaries.
     */
    public enum Phase { SETUP, FORWARD, LOSS, BACKWARD, GRADIENTS, CLIP, OPTIMIZER, CLEANUP }

    private final long[] nanos = new long[Phase.values().length];
    private long steps;
    private long mark;

    void start() {
        mark = System.nanoTime();
    }

    /** Closes {@code phase}: the time since the previous mark is its. */
    void lap(Phase phase) {
        long now = System.nanoTime();
        nanos[phase.ordinal()] += now - mark;
        mark = now;
    }

    void stepDone() {
        steps++;
    }

    public long steps() {
        return steps;
    }

    /** Mean milliseconds per step spent in {@code phase}. */
    public double millisPerStep(Phase phase) {
        return steps == 0 ? Double.NaN : nanos[phase.ordinal()] / 1e6 / steps;
    }

    public void reset() {
        Arrays.fill(nanos, 0);
        steps = 0;
    }
}
