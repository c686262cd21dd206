package org.overfitguard.monitor.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;

class BoundedSeriesTest {

    private static final ToLongFunction<Long> STEP = Long::longValue;

    @Test
    void aLongRunKeepsAtMostTheLimitAcrossItsWholeLengthAndItsLatestPoint() {
        BoundedSeries<Long> series = new BoundedSeries<>(100, STEP);
        for (long step = 1; step <= 10_000; step++) {
            series.add(step);
        }
        List<Long> points = series.points();
        assertTrue(points.size() <= 101, "kept " + points.size());
        assertTrue(points.size() >= 50, "kept " + points.size());
        assertEquals(1L, points.get(0), "the start of the run stays");
        assertEquals(10_000L, points.get(points.size() - 1), "the latest point is always there");
        for (int i = 1; i < points.size(); i++) {
            assertTrue(points.get(i) > points.get(i - 1), "in step order: " + points);
        }
        long widestGap = 0;
        for (int i = 1; i < points.size(); i++) {
            widestGap = Math.max(widestGap, points.get(i) - points.get(i - 1));
        }
        assertTrue(widestGap <= 256, "thinned evenly, widest gap " + widestGap);
    }

    @Test
    void aRepeatedStepReplacesItsPointAndAnEarlierStepFallsIntoPlace() {
        BoundedSeries<long[]> series = new BoundedSeries<>(10, p -> p[0]);
        series.add(new long[] {10, 1});
        series.add(new long[] {30, 1});
        series.add(new long[] {20, 1});
        series.add(new long[] {20, 2}); // redelivered or recomputed after a resume
        assertEquals(List.of(10L, 20L, 30L), series.points().stream().map(p -> p[0]).toList());
        assertEquals(2L, series.at(20)[1]);
        assertEquals(30L, series.latest()[0]);
    }

    @Test
    void aLimitBelowTwoIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> new BoundedSeries<Long>(1, STEP));
        assertEquals("monitor.history-limit must be at least 2, was 1", e.getMessage());
    }
}
