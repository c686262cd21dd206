package org.overfitguard.evaluator;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.evaluator.policy.EarlyStopping;
import org.overfitguard.evaluator.policy.StopState;
import org.overfitguard.kafka.KafkaBrokerResource;
import org.overfitguard.kafka.TopicIO;
import org.overfitguard.lm.checkpoint.Checkpoint;
import org.overfitguard.lm.checkpoint.CheckpointMeta;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.eval.HeldOutEvaluator;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.Seeds;
import org.overfitguard.lm.train.StepResult;
import org.overfitguard.lm.train.TrainingSession;
import org.overfitguard.testing.TopicEvents;

/**
 * evaluator-service on a real broker with real checkpoints: a tiny model memorises a few noisy
 * sequences, so its held-out loss first falls (it learns the rule) then rises (it learns the noise).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class EvaluatorServiceTest {

    private static final int V = 16;
    private static final int T = 8;
    private static final List<String> VOCABULARY = List.of("<unk>", "<mask>", "a", "b", "c", "d", "e", "f", "g", "h", "i",
            "j", "k", "l", "m", "n");

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    /** Sequences where the next token is (previous + 1) mod 14 + 2 with probability 0.75, else random. */
    private static TokenBatch noisyRule(String runId, long index, int rows, boolean heldOut, long seed) {
        Random random = new Random(seed);
        int[] in = new int[rows * T];
        int[] out = new int[rows * T];
        for (int r = 0; r < rows; r++) {
            int token = 2 + random.nextInt(14);
            for (int t = 0; t <= T; t++) {
                int next = random.nextDouble() < 0.75 ? 2 + (token - 2 + 1) % 14 : 2 + random.nextInt(14);
                if (t < T) {
                    in[r * T + t] = token;
                    out[r * T + t] = next;
                }
                token = next;
            }
        }
        return new TokenBatch(runId, index, heldOut, rows, T, in, out);
    }

    record Trained(List<CheckpointSaved> saved, List<Double> heldOutLosses) {
    }

    /** Trains in this JVM, writes real checkpoints every 10 steps and announces each; returns the held-out losses. */
    private Trained trainAndAnnounce(String runId, RunSpec spec, List<TokenBatch> heldOut, Path root) throws Exception {
        Topics.requireSafeRunId(runId);
        TopicIO.create(bootstrap, Topics.heldOut(runId), 1);
        for (TokenBatch b : heldOut) {
            TopicIO.send(bootstrap, Topics.heldOut(runId), runId, TokenBatchCodec.encode(b));
        }
        DatasetPrepared dataset = DatasetPreparedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(Event.now())
                .tokenizer("char").vocabSize(V).vocabulary(VOCABULARY).unknownTokenId(0).maskTokenId(1)
                .documents(1).corpusChars(100).trainTokens(16).heldOutTokens(heldOut.size() * 8L * T)
                .heldOutRecords(heldOut.size()).heldOutWindows(heldOut.size() * 8)
                .build();
        CheckpointStore store = new CheckpointStore(root);
        TokenBatch train = noisyRule(runId, 0, 4, false, 1);
        List<CheckpointSaved> saved = new ArrayList<>();
        List<Double> losses = new ArrayList<>();
        try (TrainingSession s = TrainingSession.fresh(GptModel.create(GptConfig.of(spec, V), Device.cpu(), spec.seed()), spec)) {
            for (int k = 0; k < 200; k++) {
                StepResult r = s.train(new TokenBatch(runId, k, false, train.rows(), T, train.inputs(), train.targets()));
                if (r.step() % 10 == 0) {
                    CheckpointMeta meta = new CheckpointMeta(CheckpointMeta.FORMAT, runId, s.step(), s.step(), spec.seed(),
                            Seeds.SCHEDULE, s.optimizer().step(), r.crossEntropy(), s.model().config(), spec, dataset, Event.now());
                    Checkpoint c = store.write(runId, s, meta);
                    losses.add(HeldOutEvaluator.evaluate(s.model(), heldOut, 0, 64).loss());
                    CheckpointSaved event = new CheckpointSaved(runId, Event.newId(), Event.now(), c.step(), c.dir().toString(),
                            c.manifestSha256(), r.crossEntropy(), c.sizeBytes());
                    saved.add(event);
                    topics().send(Topics.CHECKPOINTS, event);
                }
            }
        }
        return new Trained(saved, losses);
    }

    @Test
    void fallingThenRisingHeldOutLossStopsTheRunExactlyOnceWhereThePolicySays() throws Exception {
        String runId = "eval-overfit";
        RunSpec spec = RunSpecs.parse("""
                model: {layers: 1, heads: 2, width: 32, block_size: 8}
                optimizer: {learning_rate: 0.001, min_learning_rate: 0.001, warmup_steps: 0}
                training: {batch_size: 4, max_steps: 200, checkpoint_every: 10}
                early_stopping: {patience: 3}
                evaluation: {sample_prompt: "ab", sample_tokens: 12}
                """);
        List<TokenBatch> heldOut = List.of(noisyRule(runId, 0, 64, true, 100), noisyRule(runId, 1, 64, true, 101));
        Trained trained = trainAndAnnounce(runId, spec, heldOut, Files.createTempDirectory("ckpt-a"));

        // the scenario is what we say it is: the held-out loss falls, then rises
        int lowest = trained.heldOutLosses().indexOf(trained.heldOutLosses().stream().min(Double::compare).orElseThrow());
        assertTrue(lowest > 0 && lowest < trained.heldOutLosses().size() - 4, "losses " + trained.heldOutLosses());

        // what the policy dictates for these losses
        EarlyStopping policy = new EarlyStopping(spec.earlyStopping());
        StopState s = StopState.INITIAL;
        Long expectedStop = null;
        for (CheckpointSaved c : trained.saved()) {
            s = policy.next(s, c.step(), trained.heldOutLosses().get(trained.saved().indexOf(c)), c.path());
            if (s.stopped()) {
                expectedStop = c.step();
                break;
            }
        }
        assertTrue(expectedStop != null, "the policy stops this run");

        List<EvaluationCompleted> evaluations = await().atMost(Duration.ofSeconds(120))
                .until(() -> topics().all(Topics.EVALUATIONS, runId, EvaluationCompleted.class), l -> l.size() == trained.saved().size());
        for (int i = 0; i < evaluations.size(); i++) {
            EvaluationCompleted e = evaluations.get(i);
            assertEquals(EvaluationStatus.OK, e.status());
            assertEquals(trained.saved().get(i).step(), e.step());
            assertEquals(trained.heldOutLosses().get(i), e.heldOutLoss(), 1e-5, "step " + e.step());
            assertEquals(Math.exp(e.heldOutLoss()), e.perplexity(), 1e-9);
            assertEquals(e.heldOutLoss() - e.trainLoss(), e.gap(), 1e-9);
            assertTrue(e.sample().startsWith("ab") && e.sample().length() > 2 && e.sample().length() <= 14, e.sample()); // <mask> decodes to ""
        }
        assertNotEquals(evaluations.get(0).sample(), evaluations.get(evaluations.size() - 1).sample(), "the model's writing changes");
        List<StopRequested> stops = topics().all(Topics.CONTROL, runId, StopRequested.class);
        assertEquals(1, stops.size(), "exactly one StopRequested");
        StopRequested stop = stops.get(0);
        assertEquals(StopReason.PATIENCE_EXHAUSTED, stop.reason());
        assertEquals(expectedStop, stop.atStep());
        assertEquals(s.bestStep(), stop.bestStep());
        assertEquals(s.bestCheckpoint(), stop.bestCheckpoint());
        assertEquals(String.format(java.util.Locale.ROOT, "%d evaluations without improvement on heldout_loss (best %.4f at step %d)",
                spec.earlyStopping().patience(), stop.bestValue(), stop.bestStep()), stop.detail(), "a reason people can read");
        assertEquals(1, evaluations.stream().filter(e -> e.stopReason() != null).count());

        // a duplicate CheckpointSaved is evaluated once
        topics().send(Topics.CHECKPOINTS, trained.saved().get(2));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(
                () -> topics().all(Topics.EVALUATIONS, runId, EvaluationCompleted.class).size(), n -> n == trained.saved().size());
    }

    /**
     * The brokers refuse the StopRequested (control takes no record that large) just after the
     * EvaluationCompleted that fired the policy: once they take it again, the stop is sent, once.
     * Before, the retry skipped the checkpoint as evaluated and the decision was lost.
     */
    @Test
    void aStopWhoseSendFailsIsSentOnceTheBrokersTakeItAgain() throws Exception {
        String runId = "eval-refused-stop";
        RunSpec spec = RunSpecs.parse("""
                model: {layers: 1, heads: 2, width: 32, block_size: 8}
                optimizer: {learning_rate: 0.001, min_learning_rate: 0.001, warmup_steps: 0}
                training: {batch_size: 4, max_steps: 200, checkpoint_every: 10}
                early_stopping: {patience: 2}
                evaluation: {sample_tokens: 0}
                """);
        List<TokenBatch> heldOut = List.of(noisyRule(runId, 0, 64, true, 200), noisyRule(runId, 1, 64, true, 201));
        setMaxMessageBytes(Topics.CONTROL, "64");
        try {
            trainAndAnnounce(runId, spec, heldOut, Files.createTempDirectory("ckpt-refused"));
            EvaluationCompleted fired = await().atMost(Duration.ofSeconds(120)).until(() -> topics()
                    .all(Topics.EVALUATIONS, runId, EvaluationCompleted.class).stream().filter(e -> e.stopReason() != null)
                    .findFirst().orElse(null), e -> e != null);
            assertTrue(topics().all(Topics.CONTROL, runId, StopRequested.class).isEmpty(), "the brokers refused it");
            setMaxMessageBytes(Topics.CONTROL, "1048588");
            StopRequested stop = await().atMost(Duration.ofSeconds(120))
                    .until(() -> topics().first(Topics.CONTROL, runId, StopRequested.class), e -> e != null);
            assertEquals(fired.step(), stop.atStep());
            assertEquals(fired.bestStep(), stop.bestStep());
            await().atMost(Duration.ofSeconds(120)).until(() -> topics().all(Topics.EVALUATIONS, runId, EvaluationCompleted.class)
                    .size() == 20, n -> n);
            assertEquals(1, topics().all(Topics.CONTROL, runId, StopRequested.class).size(), "said once");
        } finally {
            setMaxMessageBytes(Topics.CONTROL, "1048588");
        }
    }

    /**
     * An evaluation that lasts longer than the worker's stall limit (5 s in tests): the worker beats
     * at every forward pass, so the liveness check stays UP and the evaluation completes. Before, the
     * loop was reported stuck and the evaluator restarted, and then the same checkpoint came first again.
     */
    @Test
    void anEvaluationLongerThanTheStallLimitIsNotTakenForAStuckOne() throws Exception {
        String runId = "eval-long";
        RunSpec spec = RunSpecs.parse("""
                model: {layers: 4, heads: 4, width: 192, block_size: 128}
                training: {batch_size: 4, max_steps: 10, checkpoint_every: 10}
                evaluation: {sample_tokens: 0}
                """);
        int windows = 64 * 48;
        Random random = new Random(5);
        List<TokenBatch> heldOut = new ArrayList<>();
        for (int r = 0; r < windows / 64; r++) {
            int[] in = random.ints(64 * 128, 2, V).toArray();
            int[] out = random.ints(64 * 128, 2, V).toArray();
            heldOut.add(new TokenBatch(runId, r, true, 64, 128, in, out));
        }
        TopicIO.create(bootstrap, Topics.heldOut(runId), 1);
        for (TokenBatch b : heldOut) {
            TopicIO.send(bootstrap, Topics.heldOut(runId), runId, TokenBatchCodec.encode(b));
        }
        DatasetPrepared dataset = DatasetPreparedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(Event.now())
                .tokenizer("char").vocabSize(V).vocabulary(VOCABULARY).unknownTokenId(0).maskTokenId(1).documents(1)
                .corpusChars(1000).trainTokens(1000).heldOutTokens((long) windows * 128).heldOutRecords(heldOut.size())
                .heldOutWindows(windows).build();
        CheckpointStore store = new CheckpointStore(Files.createTempDirectory("ckpt-long"));
        try (TrainingSession s = TrainingSession.fresh(GptModel.create(GptConfig.of(spec, V), Device.cpu(), spec.seed()), spec)) {
            CheckpointMeta meta = new CheckpointMeta(CheckpointMeta.FORMAT, runId, 0, 0, spec.seed(), Seeds.SCHEDULE, 0, 2.0,
                    s.model().config(), spec, dataset, Event.now());
            Checkpoint c = store.write(runId, s, meta);
            topics().send(Topics.CHECKPOINTS, new CheckpointSaved(runId, Event.newId(), Event.now(), 0, c.dir().toString(),
                    c.manifestSha256(), 2.0, c.sizeBytes()));
        }
        List<Integer> liveness = new ArrayList<>();
        EvaluationCompleted e = await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(250)).until(() -> {
            liveness.add(io.restassured.RestAssured.given().when().get("/q/health/live").statusCode());
            return topics().first(Topics.EVALUATIONS, runId, EvaluationCompleted.class);
        }, x -> x != null);
        assertEquals(EvaluationStatus.OK, e.status(), e.error());
        assertTrue(e.evalSeconds() > 5, "the evaluation outlasted the stall limit: " + e.evalSeconds() + " s");
        assertTrue(liveness.stream().allMatch(code -> code == 200), "liveness stayed UP: " + liveness);
        assertEquals(1, topics().all(Topics.EVALUATIONS, runId, EvaluationStarted.class).size(), "one attempt");
    }

    @jakarta.inject.Inject
    org.overfitguard.evaluator.ledger.EvaluationBook book;

    /**
     * Three evaluations of a checkpoint started and none finished (each killed its evaluator): the
     * next time it is due it is set aside with the reason, without a fourth attempt.
     */
    @Test
    void aCheckpointThatKeptKillingTheEvaluatorIsSetAsideWithTheReason() {
        String runId = "eval-doomed";
        String path = System.getProperty("java.io.tmpdir") + "/eval-doomed/step-10";
        for (int attempt = 1; attempt <= 3; attempt++) {
            topics().send(Topics.EVALUATIONS, EvaluationStarted.of(runId, 10, path, attempt, "evaluator-gone"));
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> book.attempts(runId, 10), n -> n == 3);
        topics().send(Topics.CHECKPOINTS, new CheckpointSaved(runId, Event.newId(), Event.now(), 10, path, "0".repeat(64), 2.0, 0));
        EvaluationCompleted e = await().atMost(Duration.ofSeconds(60))
                .until(() -> topics().first(Topics.EVALUATIONS, runId, EvaluationCompleted.class), x -> x != null);
        assertEquals(EvaluationStatus.ERROR, e.status());
        assertTrue(e.error().startsWith("set aside: 3 evaluations of this checkpoint started and none finished"), e.error());
        assertEquals(3, topics().all(Topics.EVALUATIONS, runId, EvaluationStarted.class).size(), "no fourth attempt");
    }

    private void setMaxMessageBytes(String topic, String bytes) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                java.util.Map.of("bootstrap.servers", bootstrap))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(java.util.Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", bytes),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    @Test
    void aMissingOrAlteredCheckpointIsAnErrorEvaluationNotACrash() throws Exception {
        String runId = "eval-broken";
        Path dir = Files.createTempDirectory("nothing-here");
        topics().send(Topics.CHECKPOINTS, new CheckpointSaved(runId, Event.newId(), Event.now(), 10, dir.resolve("step-10").toString(),
                "0".repeat(64), 2.0, 0));
        EvaluationCompleted e = await().atMost(Duration.ofSeconds(60))
                .until(() -> topics().all(Topics.EVALUATIONS, runId, EvaluationCompleted.class), l -> !l.isEmpty()).get(0);
        assertEquals(EvaluationStatus.ERROR, e.status());
        assertTrue(e.error().contains("no MANIFEST.sha256"), e.error());
        assertNull(e.heldOutLoss(), "no made-up number");
    }

    @Test
    void twoRunsEvaluatedTogetherNeverMixTheirHeldOutData() throws Exception {
        RunSpec spec = RunSpecs.parse("""
                model: {layers: 1, heads: 2, width: 32, block_size: 8}
                training: {batch_size: 4, max_steps: 200, checkpoint_every: 10}
                early_stopping: {enabled: false}
                evaluation: {sample_tokens: 0}
                """);
        Trained a = trainAndAnnounce("eval-mix-a", spec, List.of(noisyRule("eval-mix-a", 0, 32, true, 7)), Files.createTempDirectory("a"));
        Trained b = trainAndAnnounce("eval-mix-b", spec, List.of(noisyRule("eval-mix-b", 0, 32, true, 8)), Files.createTempDirectory("b"));
        for (var pair : List.of(List.of("eval-mix-a", a), List.of("eval-mix-b", b))) {
            String runId = (String) pair.get(0);
            Trained t = (Trained) pair.get(1);
            List<EvaluationCompleted> evaluations = await().atMost(Duration.ofSeconds(120))
                    .until(() -> topics().all(Topics.EVALUATIONS, runId, EvaluationCompleted.class), l -> l.size() == t.saved().size());
            for (int i = 0; i < evaluations.size(); i++) {
                assertEquals(t.heldOutLosses().get(i), evaluations.get(i).heldOutLoss(), 1e-5, runId + " step " + evaluations.get(i).step());
            }
        }
        assertTrue(topics().all(Topics.CONTROL, "eval-mix-a", StopRequested.class).isEmpty(), "disabled early stopping never stops");
    }

    private TopicEvents topics() {
        return new TopicEvents(bootstrap);
    }
}
