package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class TuningBenchmarkTest {

    @Test
    void freshSeedsAreComparedSeedBySeed() {
        // differences b - a: -0.02, -0.01, +0.03, -0.04: mean -0.01, squares of the deviations 0.0026, se sqrt(0.0026 / 3) / 2 = 0.0147
        TuningBenchmark.Paired p = new TuningBenchmark.Paired(new double[] {1.80, 1.70, 1.90, 2.00}, new double[] {1.78, 1.69, 1.93, 1.96});
        assertEquals(-0.01, p.meanDifference(), 1e-12);
        assertEquals(Math.sqrt(0.0026 / 3) / 2, p.standardError(), 1e-12);
        assertEquals(3, p.bBetter());
        assertEquals("-0.0100 +- 0.0147 (better on 3 of 4)", p.describe());
        assertEquals(0, new TuningBenchmark.Paired(new double[] {1.0}, new double[] {0.9}).standardError());
    }
}
