package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where held-out ranks start to predict a sweep's result: the shape a late-blooming regularized trial makes. */
class RankAgreementTest {

    @Test
    void aLateBloomerMakesTheEarlyRanksDisagreeAndTheLateOnesAgree() {
        // three runs: "fast" leads early and overfits, "slow" (regularized) trails early and wins
        Map<Long, Double> fast = Map.of(30L, 2.0, 60L, 1.8, 90L, 1.7, 120L, 1.9);
        Map<Long, Double> middle = Map.of(30L, 2.1, 60L, 1.9, 90L, 1.65, 120L, 1.7);
        Map<Long, Double> slow = Map.of(30L, 2.2, 60L, 2.0, 90L, 1.6, 120L, 1.5);
        var rho = RankAgreement.of(List.of(fast, middle, slow), List.of(1.7, 1.65, 1.5));

        assertEquals(List.of(30L, 60L, 90L, 120L), List.copyOf(rho.keySet()));
        assertEquals(-1.0, rho.get(30L), 1e-12);
        assertEquals(-1.0, rho.get(60L), 1e-12);
        assertEquals(1.0, rho.get(90L), 1e-12);
        assertEquals(1.0, rho.get(120L), 1e-12);
    }

    @Test
    void onlyStepsWithAFiniteLossInEveryCurveCount() {
        Map<Long, Double> a = Map.of(30L, 2.0, 60L, Double.NaN, 90L, 1.0);
        Map<Long, Double> b = Map.of(30L, 2.5, 60L, 1.5, 90L, 1.2);
        Map<Long, Double> c = Map.of(30L, 3.0, 60L, 1.6);
        var rho = RankAgreement.of(List.of(a, b, c), List.of(1.0, 1.2, 1.6));
        assertEquals(List.of(30L), List.copyOf(rho.keySet()));
        assertEquals(1.0, rho.get(30L), 1e-12);
    }

    @Test
    void tooFewRunsOrATieEverywhereGiveNothing() {
        assertTrue(RankAgreement.of(List.of(Map.of(30L, 1.0), Map.of(30L, 2.0)), List.of(1.0, 2.0)).isEmpty());
        assertTrue(RankAgreement.of(List.of(Map.of(30L, 1.0), Map.of(30L, 1.0), Map.of(30L, 1.0)), List.of(1.0, 2.0, 3.0)).isEmpty());
    }
}
