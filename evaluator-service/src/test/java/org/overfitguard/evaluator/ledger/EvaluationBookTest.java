package org.overfitguard.evaluator.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.spec.RunSpecs;

/**
 * A checkpoint queued before a rebalance must never be judged against the state the rebalance
 * reset: the book says the state is not current, and a state read before it is stale.
 */
class EvaluationBookTest {

    private static final String SHA = "0".repeat(64);

    @Test
    void aStateReadBeforeARevocationIsStaleAndTheRunHasNoCurrentStateUntilReplayed() {
        EvaluationBook book = new EvaluationBook();
        book.setCaughtUp(true);
        CheckpointSaved c100 = checkpoint(100);
        assertTrue(book.checkpointSeen(c100, 1));
        book.evaluationSeen(evaluation(100, 1.5), 1);
        EvaluationBook.Current before = book.current("r");
        assertNotNull(before);
        assertEquals(100L, before.state().bestStep());

        book.evaluationSeen(evaluation(200, 1.4), -1); // made here: the run stays in partition 1
        book.setCaughtUp(false);
        book.forgetPartitions(Set.of(1));
        assertNull(book.current("r"), "no state to judge by while the partition is away");
        assertFalse(book.stillCurrent(before.epoch()), "what was computed before may not be published");

        // the replay brings the run back, with its evaluations, then the ledger catches up
        book.checkpointSeen(c100, 1);
        book.evaluationSeen(evaluation(100, 1.5), 1);
        book.checkpointSeen(checkpoint(300), 1);
        List<CheckpointSaved> due = book.setCaughtUp(true);
        assertEquals(List.of(300L), due.stream().map(CheckpointSaved::step).toList(), "only the unevaluated one is handed out");
        EvaluationBook.Current after = book.current("r");
        assertEquals(100L, after.state().bestStep(), "the state as the topic tells it, not a reset one");
        assertTrue(book.stillCurrent(after.epoch()));
    }

    /**
     * An evaluator that died between the EvaluationCompleted that fired the policy and its
     * StopRequested: replayed, the book owes the stop until the run ends. Before, the replay restored
     * "stopped" and nothing said so to the trainer: the run trained to max_steps.
     */
    @Test
    void aStopThatFiredIsOwedUntilTheRunEnds() {
        EvaluationBook book = new EvaluationBook();
        book.requested(RunRequested.of("r", RunSpecs.parse("early_stopping: {patience: 2}"), null, null), 1);
        book.evaluationSeen(evaluation(100, 1.5), 1);
        book.evaluationSeen(fired(200, 1.6), 1);
        book.setCaughtUp(true);
        List<EvaluationBook.OwedStop> owed = book.owedStops();
        assertEquals(1, owed.size());
        assertEquals(200L, owed.get(0).fired().step());
        assertEquals(2, owed.get(0).spec().patience(), "the run's settings, to word the request");
        book.ended("r", "patience_exhausted");
        assertTrue(book.owedStops().isEmpty(), "an ended run is owed nothing");
    }

    /**
     * Attempts count EvaluationStarted without a completion; the checkpoints due after a catch-up
     * take turns over runs, each run in step order, with a run whose next checkpoint already killed an
     * evaluator last: before, they went by run id, so one heavy checkpoint came first after every restart.
     */
    @Test
    void attemptsAreCountedAndAHeavyCheckpointDoesNotGoFirst() {
        EvaluationBook book = new EvaluationBook();
        for (String run : List.of("a", "b", "c")) {
            for (long step : List.of(200L, 100L)) {
                book.checkpointSeen(new CheckpointSaved(run, Event.newId(), Event.now(), step, "/tmp/" + run + "/step-" + step, SHA,
                        1.0, 10), 0);
            }
        }
        book.evaluationStarted(EvaluationStarted.of("a", 100, "/tmp/a/step-100", 1, "evaluator-0"), 0);
        book.evaluationStarted(EvaluationStarted.of("a", 100, "/tmp/a/step-100", 2, "evaluator-0"), 0);
        assertEquals(2, book.attempts("a", 100));
        List<String> order = book.setCaughtUp(true).stream().map(c -> c.runId() + c.step()).toList();
        assertEquals(List.of("b100", "c100", "b200", "c200", "a100", "a200"), order);
        book.evaluationSeen(evaluation("a", 100, 1.0), -1);
        assertEquals(0, book.attempts("a", 100), "a completed evaluation ends the count");
    }

    private static EvaluationCompleted fired(long step, double loss) {
        EvaluationCompleted e = evaluation(step, loss);
        return EvaluationCompletedBuilder.builder(e).bestValue(1.5).bestStep(100L).bestCheckpoint("/tmp/r/step-100")
                .evaluationsWithoutImprovement(2).patienceLeft(0).stopReason(StopReason.PATIENCE_EXHAUSTED).build();
    }

    private static CheckpointSaved checkpoint(long step) {
        return new CheckpointSaved("r", Event.newId(), Event.now(), step, "/tmp/r/step-" + step, SHA, 1.0, 10);
    }

    private static EvaluationCompleted evaluation(long step, double loss) {
        return evaluation("r", step, loss);
    }

    private static EvaluationCompleted evaluation(String run, long step, double loss) {
        return EvaluationCompletedBuilder.builder().runId(run).eventId(Event.newId()).timestamp(Event.now()).step(step)
                .checkpointPath("/tmp/r/step-" + step).status(EvaluationStatus.OK).heldOutLoss(loss).perplexity(Math.exp(loss))
                .accuracy(0.5).trainLoss(1.0).gap(loss - 1.0).heldOutTokens(100).sample("").evalSeconds(0.1)
                .monitor("heldout_loss").monitoredValue(loss).bestValue(loss).bestStep(step).bestCheckpoint("/tmp/r/step-" + step)
                .patienceLeft(3).build();
    }
}
