package org.overfitguard.trainer.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.spec.RunSpec;

/** The queue a trainer takes its next run from. */
class RunBookTest {

    @Test
    void aLoneRunWaitsForOneTrialOfAnEarlierSweepNotForAllOfThem() {
        RunBook book = new RunBook();
        for (int i = 0; i < 5; i++) {
            book.apply(RunRequested.of("trial-" + i, RunSpec.defaults(), "sweep-a", "t" + i), 0);
        }
        book.apply(RunRequested.of("lone", RunSpec.defaults(), null, null), 1);
        for (int i = 0; i < 2; i++) {
            book.apply(RunRequested.of("other-" + i, RunSpec.defaults(), "sweep-b", "t" + i), 2);
        }
        List<String> order = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            String taken = book.take().orElseThrow().runId();
            order.add(taken);
            book.markFinishedHere(taken);
        }
        assertEquals(List.of("trial-0", "lone", "other-0", "trial-1", "other-1", "trial-2", "trial-3", "trial-4"), order,
                "the sweep that has had the fewest runs goes next; among equals the oldest request");
        RunBook busy = new RunBook();
        for (int i = 0; i < 3; i++) {
            busy.apply(RunRequested.of("trial-" + i, RunSpec.defaults(), "sweep-a", "t" + i), 0);
        }
        busy.apply(RunRequested.of("lone", RunSpec.defaults(), null, null), 1);
        busy.apply(RunRequested.of("other-0", RunSpec.defaults(), "sweep-b", "t0"), 2);
        List<String> parallel = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            parallel.add(busy.take().orElseThrow().runId()); // several devices: none finishes meanwhile
        }
        assertEquals(List.of("trial-0", "lone", "other-0", "trial-1", "trial-2"), parallel,
                "several devices share out the same way");
    }
}
