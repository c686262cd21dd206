package org.overfitguard.monitor;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StepMetricsBuilder;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.TrainingSpec;
import org.overfitguard.kafka.TopicIO;

/**
 * The events of one run as the services publish them, with values a test can predict: training
 * cross-entropy 3 - step/200, step metrics every 10 steps one second apart (10 steps per second).
 */
final class SampleRun {

    static final int MAX_STEPS = 1000;

    final String runId;
    private final Instant start = Instant.now().minusSeconds(3600);
    private final RunSpec spec;

    SampleRun(String prefix) {
        this.runId = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.spec = RunSpec.defaults().withName(prefix + " run").withTraining(new TrainingSpec(32, MAX_STEPS, 50, 10, 1));
    }

    static double trainLoss(long step) {
        return 3.0 - step / 200.0;
    }

    RunRequested requested(String sweepId, String variant) {
        return new RunRequested(runId, Event.newId(), start, spec, sweepId, variant, null);
    }

    RunStarted started() {
        return new RunStarted(runId, Event.newId(), start.plusSeconds(1), spec, "trainer-test", "cpu()", 0);
    }

    DatasetPrepared dataset() {
        return DatasetPreparedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(start.plusSeconds(2))
                .tokenizer("char").vocabSize(30).vocabulary(List.of("<unk>", "<mask>", "a", "b")).unknownTokenId(0).maskTokenId(1)
                .documents(1).corpusChars(10_000).trainTokens(8_000).heldOutTokens(2_000).heldOutRecords(2).heldOutWindows(40)
                .corpusBytes(10_200).invalidUtf8Sequences(3).heldOutSplitTokens(2_000).corpusKey("0123abcd")
                .build();
    }

    StepMetrics step(long step) {
        return StepMetricsBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(at(step)).step(step)
                .loss(trainLoss(step) + 0.05).crossEntropy(trainLoss(step)).learningRate(1e-3 * (1 - step / 2000.0)).gradNorm(0.5)
                .tokensPerSecond(4000 + step).stepSeconds(0.08).tokensSeen(step * 32 * 64).build();
    }

    EvaluationCompleted evaluation(long step, double heldOutLoss, long bestStep, double bestValue, int patienceLeft) {
        double train = trainLoss(step);
        return EvaluationCompletedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(at(step).plusMillis(500))
                .step(step).checkpointPath("/ckpt/" + runId + "/step-" + step).status(EvaluationStatus.OK)
                .heldOutLoss(heldOutLoss).perplexity(Math.exp(heldOutLoss)).accuracy(0.3 + step / 10_000.0)
                .trainLoss(train).gap(heldOutLoss - train).heldOutTokens(2_000).sample("sample text at step " + step).evalSeconds(0.4)
                .monitor("heldout_loss").monitoredValue(heldOutLoss).bestValue(bestValue).bestStep(bestStep)
                .bestCheckpoint("/ckpt/" + runId + "/step-" + bestStep).patienceLeft(patienceLeft)
                .build();
    }

    StopRequested stop(long atStep, long bestStep, double bestValue) {
        return StopRequestedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(at(atStep).plusSeconds(1))
                .reason(StopReason.PATIENCE_EXHAUSTED).monitor("heldout_loss").atStep(atStep).bestStep(bestStep).bestValue(bestValue)
                .bestCheckpoint("/ckpt/" + runId + "/step-" + bestStep).detail("no improvement in 3 evaluations").build();
    }

    /** ASHA's stop of a tuning trial judged at {@code atStep}. */
    StopRequested pruned(long atStep, long bestStep, double bestValue) {
        return StopRequestedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(at(atStep).plusSeconds(1))
                .reason(StopReason.PRUNED).monitor("heldout_loss").atStep(atStep).bestStep(bestStep).bestValue(bestValue)
                .bestCheckpoint("/ckpt/" + runId + "/step-" + bestStep).detail("rank 2 of 2 at rung 0, top 1 go on").build();
    }

    RunCompleted completed(CompletionReason reason, long steps, long bestStep, double bestHeldOutLoss) {
        return new RunCompleted(runId, Event.newId(), at(steps).plusSeconds(2), reason, steps,
                bestStep, bestHeldOutLoss, "/ckpt/" + runId + "/final", "/ckpt/" + runId + "/step-" + bestStep);
    }

    RunCompleted completed(long steps, long bestStep, double bestHeldOutLoss) {
        return new RunCompleted(runId, Event.newId(), at(steps).plusSeconds(2), CompletionReason.PATIENCE_EXHAUSTED, steps,
                bestStep, bestHeldOutLoss, "/ckpt/" + runId + "/final", "/ckpt/" + runId + "/step-" + bestStep);
    }

    /** Publishes events through the broker like the services do: JSON, keyed by run id, on the event's topic. */
    static void publish(String bootstrap, Event... events) {
        for (Event e : events) {
            TopicIO.send(bootstrap, Topics.forEvent(e), e.runId(), Json.write(e).getBytes(StandardCharsets.UTF_8));
        }
    }

    private Instant at(long step) {
        return start.plusSeconds(10 + step / 10);
    }
}
