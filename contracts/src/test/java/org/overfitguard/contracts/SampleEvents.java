package org.overfitguard.contracts;

import java.time.Instant;
import java.util.List;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.CancelRequested;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StepMetricsBuilder;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.events.TrialDecision;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.contracts.events.TrialEvaluatedBuilder;
import org.overfitguard.contracts.events.TrialJudgedBuilder;
import org.overfitguard.contracts.events.TrialPromotedBuilder;
import org.overfitguard.contracts.spec.RunSpec;

/** One filled-in instance of every event type, with non-default values in every field. */
final class SampleEvents {

    static final Instant T = Instant.parse("2026-11-28T10:15:30.123Z");
    static final String SHA = "ab12".repeat(16);

    static List<Event> all() {
        RunSpec spec = RunSpec.defaults().withName("sample");
        return List.of(
                new RunRequested("r1", "e1", T, spec, "sweep-1", "no-dropout", null),
                new RunStarted("r1", "e2", T, spec, "trainer-a", "cpu()", 200),
                DatasetPreparedBuilder.builder().runId("r1").eventId("e3").timestamp(T).tokenizer("char").vocabSize(30)
                        .vocabulary(List.of("<unk>", "<mask>", "a", "b")).unknownTokenId(0).maskTokenId(1).documents(1)
                        .corpusChars(25_000).trainTokens(20_000).heldOutTokens(5_000).heldOutRecords(3).heldOutWindows(70)
                        .sourceEntropyNatsPerToken(1.23).entropyMethod("exact grammar entropy / mean tokens per sentence").build(),
                new RunCompleted("r1", "e4", T, CompletionReason.PATIENCE_EXHAUSTED, 900, 600L, 1.41,
                        "/ckpt/r1/final", "/ckpt/r1/step-000600"),
                new RunFailed("r1", "e5", T, "data-service", "corpus not found"),
                StepMetricsBuilder.builder().runId("r1").eventId("e6").timestamp(T).step(120).loss(1.9).crossEntropy(1.8)
                        .learningRate(1e-3).gradNorm(0.7).tokensPerSecond(12_000).stepSeconds(0.05).tokensSeen(245_760).build(),
                new CheckpointSaved("r1", "e7", T, 100, "/ckpt/r1/step-000100", SHA, 1.95, 4096),
                EvaluationCompletedBuilder.builder().runId("r1").eventId("e8").timestamp(T).step(100)
                        .checkpointPath("/ckpt/r1/step-000100").status(EvaluationStatus.OK).heldOutLoss(2.1).perplexity(8.17)
                        .accuracy(0.41).trainLoss(1.95).gap(0.15).heldOutTokens(5_000).sample("the cat").evalSeconds(0.8)
                        .monitor("heldout_loss").monitoredValue(2.1).bestValue(2.0).bestStep(50L).bestCheckpoint("/ckpt/r1/step-000050")
                        .evaluationsWithoutImprovement(1).patienceLeft(2).stopReason(StopReason.PATIENCE_EXHAUSTED).build(),
                StopRequestedBuilder.builder().runId("r1").eventId("e9").timestamp(T).reason(StopReason.DIVERGENCE)
                        .monitor("heldout_loss").atStep(300).bestStep(200L).bestValue(1.5).bestCheckpoint("/ckpt/r1/step-000200")
                        .detail("held-out loss 9.1 is worse than divergence_threshold 5.0").build(),
                new CancelRequested("r1", "e10", T, "user request"),
                new RunReleased("r1", "e11", T, "trainer-a", 230, "partition revoked", null),
                RunReleased.paused("r3", "trainer-a", 90, 0),
                TrialPromotedBuilder.builder().runId("r3").eventId("e15").timestamp(T).sweepId("sweep-3").rung(0).untilStep(270).build(),
                new TrialEnded("r3", "e16", T, "sweep-3", "patience_exhausted"),
                new RunRequested("r2", "e12", T, spec, "sweep-2", "trial-07", new AshaSchedule(50, 3, 1350)),
                TrialEvaluatedBuilder.builder().runId("r2").eventId("e13").timestamp(T).sweepId("sweep-2")
                        .schedule(new AshaSchedule(50, 3, 1350)).step(150).heldOutLoss(1.7).monitor("heldout_loss").bestStep(100L)
                        .bestValue(1.69).bestCheckpoint("/ckpt/r2/step-000100").build(),
                TrialJudgedBuilder.builder().runId("r2").eventId("e14").timestamp(T).sweepId("sweep-2").rung(1).rungStep(150)
                        .step(150).heldOutLoss(1.7).rank(3).reached(4).kept(2).decision(TrialDecision.PRUNE).build(),
                new RunRequested("r3", "e17", T, spec, "sweep-3", "t03", new AshaSchedule(90, 3, 810, AshaMode.PROMOTION, 27)),
                new EvaluationStarted("r1", "e18", T, 100, "/ckpt/r1/step-000100", 1, "evaluator-0"));
    }

    private SampleEvents() {
    }
}
