package org.overfitguard.evaluator.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.TrialDecision;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.contracts.events.TrialEvaluated;
import org.overfitguard.contracts.events.TrialEvaluatedBuilder;
import org.overfitguard.contracts.events.TrialJudged;
import org.overfitguard.contracts.events.TrialJudgedBuilder;
import org.overfitguard.evaluator.policy.Asha;

/** The tuner's fold: what is due while replaying, after catching up, and once published. */
class TunerBookTest {

    private static final AshaSchedule RULE = new AshaSchedule(100, 3, 900);

    private static TrialEvaluated result(String run, long step, double loss) {
        return TrialEvaluatedBuilder.builder().runId(run).eventId(Event.newId()).timestamp(Event.now()).sweepId("sweep-1")
                .schedule(RULE).step(step).heldOutLoss(loss).monitor("heldout_loss").bestStep(step).bestValue(loss)
                .bestCheckpoint("/ckpt/" + run + "/" + step).build();
    }

    private static TrialJudged judged(TunerBook.Due d) {
        Asha.Judgement j = d.judgement();
        return TrialJudgedBuilder.builder().runId(d.result().runId()).eventId(Event.newId()).timestamp(Event.now()).sweepId("sweep-1")
                .rung(j.rung()).rungStep(j.rungStep()).step(d.result().step()).heldOutLoss(d.result().heldOutLoss()).rank(j.rank())
                .reached(j.reached()).kept(j.kept())
                .decision(j.decision() == Asha.Decision.PRUNE ? TrialDecision.PRUNE : TrialDecision.CONTINUE).build();
    }

    @Test
    void decisionsMadeWhileReplayingWaitForCatchUpAndThoseOnTheTopicAreNotDueAgain() throws Exception {
        TunerBook book = new TunerBook();
        TrialEvaluated a = result("a", 100, 2.0);
        TrialEvaluated b = result("b", 100, 2.5);
        TrialEvaluated c = result("c", 100, 1.5);
        book.apply(a, 0);
        book.apply(result("a", 50, 9.9), 0); // below the first rung: nothing to judge
        book.apply(b, 0);
        assertEquals(List.of(), book.awaitDue(1), "nothing is published before the ledger has caught up");
        book.setCaughtUp(true);
        List<TunerBook.Due> due = book.awaitDue(1);
        assertEquals(List.of("a CONTINUE", "b PRUNE"), due.stream().map(d -> d.result().runId() + " " + d.judgement().decision()).toList());
        book.apply(judged(due.get(0)), 0); // a's judgement read back from the topic
        book.published(due.get(1)); // b's acknowledged
        assertEquals(List.of(), book.awaitDue(1));
        book.apply(b, 0); // forwarded again after an evaluator restart
        book.apply(c, 0);
        assertEquals(List.of("c CONTINUE 1 of 3"), book.awaitDue(1).stream()
                .map(d -> d.result().runId() + " " + d.judgement().decision() + " " + d.judgement().rank() + " of " + d.judgement().reached())
                .toList());
    }

    @Test
    void aRevokedSweepIsForgottenAndRebuiltByTheReplay() throws Exception {
        TunerBook book = new TunerBook();
        book.setCaughtUp(true);
        book.apply(result("a", 100, 2.0), 1);
        TunerBook.Due first = book.awaitDue(1).get(0);
        book.forgetPartitions(Set.of(1));
        assertTrue(!book.isDue(first), "a revoked sweep's judgement is not published by this replica");
        book.apply(result("a", 100, 2.0), 1);
        book.apply(judged(first), 1);
        assertEquals(List.of(), book.awaitDue(1));
    }

    /**
     * The promotion form: a paused trial is promoted once it is in the top floor(n/eta), an end closes
     * the rung (the rest pruned, each judgement due once), and an end read before the sweep's first
     * result counts too.
     */
    @Test
    void thePromotionFormPromotesOnEarnedPlacesAndClosesARungOnTheLastEnd() throws Exception {
        AshaSchedule promotion = new AshaSchedule(100, 3, 900, AshaMode.PROMOTION, 4);
        java.util.function.BiFunction<String, Double, TrialEvaluated> at100 = (run, loss) -> TrialEvaluatedBuilder.builder().runId(run)
                .eventId(Event.newId()).timestamp(Event.now()).sweepId("sweep-2").schedule(promotion).step(100).heldOutLoss(loss)
                .monitor("heldout_loss").bestStep(100L).bestValue(loss).bestCheckpoint("/ckpt/" + run + "/100").build();
        TunerBook book = new TunerBook();
        book.setCaughtUp(true);
        book.apply(TrialEnded.of("d", "sweep-2", "failed"), 0); // failed before any evaluation
        book.apply(at100.apply("a", 2.0), 0);
        book.apply(at100.apply("b", 2.5), 0);
        assertEquals(List.of(), book.awaitDue(1), "two of four: nobody has earned a place yet");
        book.apply(at100.apply("c", 1.5), 0); // the rung is complete: a, b, c reached it, d ended
        List<TunerBook.Due> due = book.awaitDue(1);
        assertEquals(List.of("c CONTINUE promotion 1 of 3", "a PRUNE promotion 2 of 3", "b PRUNE promotion 3 of 3"), due.stream()
                .map(d -> d.result().runId() + " " + d.judgement().decision() + (d.promotion() ? " promotion " : " ")
                        + d.judgement().rank() + " of " + d.judgement().reached()).toList());
        due.forEach(book::published);
        book.apply(TrialEnded.of("a", "sweep-2", "pruned"), 0); // the pruned trials' ends come back
        book.apply(TrialEnded.of("d", "sweep-2", "failed"), 0); // and an end forwarded again after a restart
        assertEquals(List.of(), book.awaitDue(1));
        assertTrue(TunerWorker.explain(due.get(1)).contains("ranks 2 of the 3 trials that reached rung 0 (100 steps)"),
                TunerWorker.explain(due.get(1)));
    }
}
