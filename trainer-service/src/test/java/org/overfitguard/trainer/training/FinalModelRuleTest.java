package org.overfitguard.trainer.training;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.trainer.training.FinalModelRule.Ending;
import org.overfitguard.trainer.training.FinalModelRule.Weights;

/**
 * The rule of which weights become the final model, as a table. The run trained to step 900 (its
 * last checkpoint: 900 after max steps, 800 after a stop); the evaluator's best step is 500.
 * Columns: how the loop ended, restore_best, the log (present, a stop, the last evaluation's best
 * step, evaluated to the end, shutting down), then the decision (released, reason, weights, their
 * step, the best step reported).
 */
class FinalModelRuleTest {

    @ParameterizedTest(name = "{0} restore_best={1} present={2} stop={3} evalBest={4} evaluated={5} shutdown={6}")
    @CsvSource(nullValues = "-", value = {
            // ending,  restore, present, stop,  evalBest, evaluated, shutdown | released, reason,            weights,    step, best
            "ABANDON,   true,    true,    -,     500,      true,      true,      true,     -,                 NONE,       -,    -",
            "CANCEL,    true,    true,    -,     500,      true,      false,     false,    CANCELLED,         NONE,       -,    500",
            "CANCEL,    true,    true,    -,     -,        true,      false,     false,    CANCELLED,         NONE,       -,    -",
            "STOP,      true,    true,    500,   500,      true,      false,     false,    PATIENCE_EXHAUSTED, CHECKPOINT, 500,  500",
            "STOP,      false,   true,    500,   500,      true,      false,     false,    PATIENCE_EXHAUSTED, CURRENT,    900,  900",
            "STOP,      true,    true,    none,  -,        true,      false,     false,    PATIENCE_EXHAUSTED, CURRENT,    900,  -",
            "STOP,      true,    false,   500,   500,      true,      false,     true,     -,                 NONE,       -,    -",
            "MAX_STEPS, true,    true,    -,     500,      true,      false,     false,    MAX_STEPS,         CHECKPOINT, 500,  500",
            "MAX_STEPS, false,   true,    -,     500,      true,      false,     false,    MAX_STEPS,         CHECKPOINT, 900,  900",
            "MAX_STEPS, true,    true,    -,     -,        true,      false,     false,    MAX_STEPS,         CHECKPOINT, 900,  900",
            "MAX_STEPS, true,    true,    500,   500,      true,      false,     false,    PATIENCE_EXHAUSTED, CHECKPOINT, 500,  500",
            "MAX_STEPS, true,    true,    -,     500,      false,     false,     false,    MAX_STEPS,         CHECKPOINT, 500,  500",
            "MAX_STEPS, true,    true,    -,     500,      false,     true,      true,     -,                 NONE,       -,    -",
            "MAX_STEPS, true,    true,    -,     500,      true,      true,      false,    MAX_STEPS,         CHECKPOINT, 500,  500",
            "MAX_STEPS, true,    false,   -,     500,      true,      false,     true,     -,                 NONE,       -,    -",
            "ENDED,     true,    true,    500,   500,      true,      false,     false,    -,                 NONE,       -,    -"})
    void theFinalModelIsChosenByTheTable(Ending ending, boolean restoreBest, boolean present, String stopBest, Long evalBest,
                                         boolean evaluated, boolean shuttingDown, boolean released, CompletionReason reason,
                                         Weights weights, Long step, Long best) {
        StopRequested stop = stopBest == null ? null : StopRequestedBuilder.builder().runId("r").eventId("e").timestamp(Instant.EPOCH)
                .reason(StopReason.PATIENCE_EXHAUSTED).monitor("heldout_loss").atStep(800)
                .bestStep(stopBest.equals("none") ? null : Long.valueOf(stopBest)).bestValue(1.5)
                .bestCheckpoint(stopBest.equals("none") ? null : "/ckpt/r/step-" + stopBest).detail("test").build();
        EvaluationCompleted evaluation = EvaluationCompletedBuilder.builder().runId("r").eventId("e").timestamp(Instant.EPOCH)
                .step(900).checkpointPath("/ckpt/r/step-900").status(EvaluationStatus.OK).heldOutLoss(1.6).perplexity(4.9)
                .accuracy(0.5).trainLoss(1.2).gap(0.4).heldOutTokens(100).evalSeconds(0.1).monitor("heldout_loss").monitoredValue(1.6)
                .bestValue(evalBest == null ? null : 1.5).bestStep(evalBest).bestCheckpoint(evalBest == null ? null : "/ckpt/r/step-" + evalBest)
                .evaluationsWithoutImprovement(2).patienceLeft(1).build();
        long lastCheckpoint = ending == Ending.MAX_STEPS ? 900 : 800;
        FinalModelRule.Decision d = FinalModelRule.decide(ending, restoreBest,
                new FinalModelRule.Log(present, stop, evaluation, evaluated, shuttingDown), 900, lastCheckpoint);
        assertEquals(released, d.release(), "released");
        assertEquals(reason, d.reason(), "reason");
        assertEquals(weights, d.weights(), "weights");
        assertEquals(step, d.step(), "step of the final weights");
        assertEquals(best, d.bestStep(), "best step reported");
    }
}
