package org.overfitguard.trainer.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.events.TrialPromotedBuilder;
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

    /**
     * The promotion form of ASHA: a trial trains to its next rung, pauses there (not handed out),
     * goes on to the next rung once promoted, and ends (taken to finish) on a stop while paused.
     */
    @Test
    void aPausedTrialWaitsForItsPromotionOrItsStop() {
        RunBook book = new RunBook();
        AshaSchedule asha = new AshaSchedule(90, 3, 810, AshaMode.PROMOTION, 2);
        RunSpec spec = RunSpec.defaults();
        book.apply(RunRequested.of("t0", spec, "sweep", "t0", asha), 0);
        book.apply(RunRequested.of("t1", spec, "sweep", "t1", asha), 0);
        assertEquals(90, book.trainUntil("t0"));
        assertEquals("t0", book.take().orElseThrow().runId());
        book.apply(RunStarted.of("t0", spec, "trainer-0", "cpu()", 0), 0);
        book.pausedHere("t0", 0);
        assertEquals(RunStatus.PAUSED, book.snapshot("t0").orElseThrow().status());
        assertEquals("t1", book.take().orElseThrow().runId(), "the paused trial is not handed out");
        assertTrue(book.take().isEmpty());
        book.apply(RunReleased.paused("t0", "trainer-0", 90, 0), 0); // its own event comes back: nothing changes
        assertTrue(book.take().isEmpty());
        book.apply(TrialPromotedBuilder.builder().runId("t0").eventId("p").timestamp(Instant.now()).sweepId("sweep").rung(0)
                .untilStep(270).build(), 0);
        assertEquals(270, book.trainUntil("t0"));
        assertEquals(RunStatus.RUNNING, book.snapshot("t0").orElseThrow().status());
        assertEquals("t0", book.take().orElseThrow().runId(), "promoted: taken again, to rung 1");
        book.pausedHere("t0", 1);
        assertTrue(book.take().isEmpty());
        book.apply(TrialPromotedBuilder.builder().runId("t0").eventId("p2").timestamp(Instant.now()).sweepId("sweep").rung(0)
                .untilStep(270).build(), 0); // a promotion repeated after a tuner restart changes nothing
        assertTrue(book.take().isEmpty());
        book.apply(StopRequestedBuilder.builder().runId("t0").eventId("s").timestamp(Instant.now()).reason(StopReason.PRUNED)
                .monitor("heldout_loss").atStep(270).build(), 0);
        assertEquals("t0", book.take().orElseThrow().runId(), "pruned while paused: taken to end on its best checkpoint");
        assertEquals(Long.MAX_VALUE, new RunBook().trainUntil("unknown"), "a run not known here is not held back");
        RunBook stopping = new RunBook();
        stopping.apply(RunRequested.of("s0", spec, "sweep", "s0", new AshaSchedule(90, 3, 810)), 0);
        assertEquals(spec.training().maxSteps(), stopping.trainUntil("s0"), "the stopping form never pauses");
    }
}
