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
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;

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

    private static CheckpointSaved checkpoint(long step) {
        return new CheckpointSaved("r", Event.newId(), Event.now(), step, "/tmp/r/step-" + step, SHA, 1.0, 10);
    }

    private static EvaluationCompleted evaluation(long step, double loss) {
        return EvaluationCompletedBuilder.builder().runId("r").eventId(Event.newId()).timestamp(Event.now()).step(step)
                .checkpointPath("/tmp/r/step-" + step).status(EvaluationStatus.OK).heldOutLoss(loss).perplexity(Math.exp(loss))
                .accuracy(0.5).trainLoss(1.0).gap(loss - 1.0).heldOutTokens(100).sample("").evalSeconds(0.1)
                .monitor("heldout_loss").monitoredValue(loss).bestValue(loss).bestStep(step).bestCheckpoint("/tmp/r/step-" + step)
                .patienceLeft(3).build();
    }
}
