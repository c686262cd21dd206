package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overfitguard.lm.checkpoint.CheckpointRetention;

class CheckpointRetentionTest {

    private static final Set<Long> STEPS = Set.of(100L, 200L, 300L, 400L, 500L, 600L);

    @Test
    void table() {
        // keepLast, best, lastEvaluated -> deletable
        Object[][] rows = {
                {2, 300L, 600L, List.of(100L, 200L, 400L)},  // newest two and the best stay
                {2, 600L, 600L, List.of(100L, 200L, 300L, 400L)},
                {2, null, -1L, List.of()},                   // nothing evaluated: the evaluator has yet to read them all
                {2, 100L, 300L, List.of(200L, 300L)},        // 400 and later are not evaluated yet
                {1, 500L, 600L, List.of(100L, 200L, 300L, 400L)},
                {0, null, 600L, List.of(100L, 200L, 300L, 400L, 500L)}, // at least one is always kept
                {10, 100L, 600L, List.of()},
        };
        for (Object[] r : rows) {
            assertEquals(r[3], CheckpointRetention.deletable(STEPS, (int) r[0], (Long) r[1], (long) r[2]),
                    "keepLast " + r[0] + ", best " + r[1] + ", last evaluated " + r[2]);
        }
        assertEquals(List.of(), CheckpointRetention.deletable(Set.of(), 2, null, 0));
    }
}
