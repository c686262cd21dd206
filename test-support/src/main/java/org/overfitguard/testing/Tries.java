package org.overfitguard.testing;

import java.util.Random;

/**
 * Runs a property over many generated inputs in a plain JUnit 5 test: try i draws from a
 * {@link Random} seeded with (seed, i), so a failure is reported with the seed and try that replay
 * it ({@code -Dfuzz.seed=S}); a new seed each run unless one is given, so the suite explores.
 */
public final class Tries {

    private Tries() {
    }

    /** The run's seed: {@code fuzz.seed}, else the clock's. */
    public static long seed() {
        String given = System.getProperty("fuzz.seed");
        return given != null ? Long.parseLong(given) : System.nanoTime();
    }

    /** A property of one random source. */
    @FunctionalInterface
    public interface Property {
        void check(Random random) throws Exception;
    }

    /** Checks {@code property} {@code tries} times; the first failure names the seed, the try and the cause. */
    public static void run(String name, long seed, int tries, Property property) {
        for (int i = 0; i < tries; i++) {
            Random random = new Random(seed * 0x9E3779B97F4A7C15L + i);
            try {
                property.check(random);
            } catch (Throwable t) {
                AssertionError e = new AssertionError(name + " failed at try " + i + " of seed " + seed + " (-Dfuzz.seed=" + seed
                        + " replays it): " + t.getMessage(), t);
                throw e;
            }
        }
    }
}
