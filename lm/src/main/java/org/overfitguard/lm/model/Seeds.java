package org.overfitguard.lm.model;

import ai.djl.engine.Engine;

/**
 * The seed schedule: every source of randomness in training is reseeded from (run seed, step), so a
 * step's dropout masks are a pure function of the run seed and the step number. That is what lets a
 * resumed run repeat the uninterrupted run's losses exactly.
 */
public final class Seeds {

    /** What {@link #forStep} and {@link #apply} compute, stored in every checkpoint. */
    public static final String SCHEDULE = "before each step: s = splitmix64(run_seed + step * 0x9E3779B97F4A7C15); "
            + "torch seed = (int) (s ^ (s >>> 32))";

    private Seeds() {
    }

    public static long forStep(long runSeed, long step) {
        return splitmix64(runSeed + step * 0x9E3779B97F4A7C15L);
    }

    public static void apply(long seed) {
        Engine.getEngine("PyTorch").setRandomSeed((int) (seed ^ (seed >>> 32)));
    }

    public static long splitmix64(long x) {
        long z = x + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
