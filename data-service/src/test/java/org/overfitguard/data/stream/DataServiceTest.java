package org.overfitguard.data.stream;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StepMetricsBuilder;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.data.DataConfig;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.data.dataset.BatchFactory;
import org.overfitguard.data.dataset.DatasetBuilder;
import org.overfitguard.data.store.CorpusStore;
import org.overfitguard.kafka.KafkaBrokerResource;
import org.overfitguard.kafka.TopicIO;
import org.overfitguard.messaging.KafkaConnection;
import org.overfitguard.testing.TopicEvents;
import org.overfitguard.text.augment.WordNetSynonyms;

/** data-service on a real broker: RunStarted in, DatasetPrepared, held-out and batches out. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class DataServiceTest {

    private static final String SPEC = """
            data: {sentences: 300}
            model: {block_size: 32}
            training: {batch_size: 8, max_steps: 400, metrics_every: 10}
            augmentation: {deletion_rate: 0.1, token_mask_rate: 0.1}
            """;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @Inject
    DataConfig config;
    @Inject
    TopicAdmin admin;
    @Inject
    DataEvents events;
    @Inject
    TrainerProgress progress;
    @Inject
    DataMetrics metrics;
    @Inject
    StreamBook book;
    @Inject
    StreamSupervisor supervisor;

    @Test
    void aRunStartedBecomesADatasetAHeldOutTopicAndAFlowControlledBatchStream() {
        String runId = "data-test-1";
        RunSpec spec = RunSpecs.parse(SPEC);
        topics().send(Topics.RUNS, RunStarted.of(runId, spec, "trainer-x", "cpu()", 0));

        DatasetPrepared d = await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, DatasetPrepared.class), e -> e != null);
        assertEquals("char", d.tokenizer());
        assertEquals(d.vocabulary().size(), d.vocabSize());
        assertTrue(d.sourceEntropyNatsPerToken() > 0, "the synthetic corpus reports its entropy floor");

        List<TokenBatch> heldOut = TopicIO.readAll(bootstrap, Topics.heldOut(runId)).stream()
                .map(r -> TokenBatchCodec.decode(r.value())).toList();
        assertEquals(d.heldOutRecords(), heldOut.size());
        assertEquals(d.heldOutWindows(), heldOut.stream().mapToInt(TokenBatch::rows).sum());
        assertTrue(heldOut.stream().allMatch(b -> b.heldOut() && b.cols() == 32 && b.maxTokenId() < d.vocabSize()));

        // no StepMetrics yet: the stream stops at its lead (at least 2 x metrics_every + 2)
        int lead = Math.max(config.leadBatches(), 22);
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == lead);
        List<TokenBatch> first = batches(runId);
        for (int k = 0; k < first.size(); k++) {
            TokenBatch b = first.get(k);
            assertEquals(k, b.index(), "batch k at offset k");
            assertEquals(8, b.rows());
            assertEquals(32, b.cols());
            assertTrue(b.maxTokenId() < d.vocabSize(), "ids within the vocabulary");
        }
        // nothing beyond the lead while the trainer is silent, for a second
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).until(() -> batches(runId).size() == lead);

        topics().send(Topics.TRAIN_METRICS, stepMetrics(runId, 40));
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == 40 + lead);
    }

    /**
     * A restart of data-service forgets the trainer's progress. If it was the bottleneck, the trainer
     * waits for the next batch and reports nothing: the new stream must still send enough for the
     * trainer's next report (metrics_every steps), or both would wait for ever.
     */
    @Test
    void aStreamStartedWithoutTheTrainersProgressSendsEnoughForItsNextReport() {
        String runId = "data-test-starved";
        RunSpec spec = RunSpecs.parse(SPEC + "seed: 7\n");
        RunStarted started = RunStarted.of(runId, spec, "trainer-x", "cpu()", 0);
        topics().send(Topics.RUNS, started);
        int lead = Math.max(config.leadBatches(), 22);
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == lead);
        int partition = book.entries().stream().filter(e -> e.runId().equals(runId)).findFirst().orElseThrow().partition();
        // the trainer took all of them and waits; data-service restarts: its book is replayed, its progress is gone
        book.setCaughtUp(false);
        book.forgetPartitions(java.util.Set.of(partition));
        progress.forget(runId);
        await().atMost(Duration.ofSeconds(30)).until(() -> !supervisor.streaming(runId)); // the old stream has stopped
        book.apply(started, partition);
        book.setCaughtUp(true);
        int metricsEvery = spec.training().metricsEvery();
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() >= lead + metricsEvery + 1);
        // enough for one report, and no more, for a second
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10))
                .until(() -> batches(runId).size() == lead + metricsEvery + 1);
    }

    /**
     * A trial of ASHA's promotion form pauses at its rung: its stream stops (no thread, no dataset held
     * while it waits), and its next RunStarted (promoted) brings a stream back that carries on from the
     * topic's last batch. Before, the stream thread waited, holding its dataset, for as long as the trial did.
     */
    @Test
    void aTrialPausedAtARungHoldsNoStreamUntilItStartsAgain() {
        String runId = "data-test-paused";
        RunStarted started = RunStarted.of(runId, RunSpecs.parse(SPEC + "seed: 11\n"), "trainer-x", "cpu()", 0);
        topics().send(Topics.RUNS, started);
        int lead = Math.max(config.leadBatches(), 22);
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == lead);
        assertTrue(supervisor.streaming(runId));
        topics().send(Topics.RUNS, org.overfitguard.contracts.events.RunReleased.paused(runId, "trainer-x", 20, 0));
        await().atMost(Duration.ofSeconds(30)).until(() -> !supervisor.streaming(runId));
        topics().send(Topics.RUNS, RunStarted.of(runId, started.spec(), "trainer-x", "cpu()", 20));
        topics().send(Topics.TRAIN_METRICS, stepMetrics(runId, 40));
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == 40 + lead);
        List<TokenBatch> all = batches(runId);
        for (int k = 0; k < all.size(); k++) {
            assertEquals(k, all.get(k).index(), "no batch lost or repeated across the pause");
        }
    }

    /** Two micro-batches a step: the stream's lead and the trainer's progress count records, two per step. */
    @Test
    void withGradientAccumulationTheStreamCountsTwoRecordsPerStep() {
        String runId = "data-test-accumulate";
        RunSpec spec = RunSpecs.parse(SPEC.replace("metrics_every: 10}", "metrics_every: 10, gradient_accumulation_steps: 2}") + "seed: 13\n");
        topics().send(Topics.RUNS, RunStarted.of(runId, spec, "trainer-x", "cpu()", 0));
        int lead = Math.max(config.leadBatches(), (2 * 10 + 2) * 2);
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == lead);
        topics().send(Topics.TRAIN_METRICS, stepMetrics(runId, 20));
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == 2 * 20 + lead);
    }

    /** What the ledger does when a broker restart revokes and returns this replica's partitions. */
    @Test
    void aRunForgottenWithItsPartitionAndReplayedGetsItsStreamBack() {
        String runId = "data-test-revoked";
        RunStarted started = RunStarted.of(runId, RunSpecs.parse(SPEC + "seed: 5\n"), "trainer-x", "cpu()", 0);
        topics().send(Topics.RUNS, started);
        int lead = Math.max(config.leadBatches(), 22);
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == lead);
        int partition = book.entries().stream().filter(e -> e.runId().equals(runId)).findFirst().orElseThrow().partition();

        book.setCaughtUp(false);
        book.forgetPartitions(java.util.Set.of(partition));
        // the stream sees its run gone and stops; only then is the run back, so a new stream must take over
        await().atMost(Duration.ofSeconds(30)).until(() -> !supervisor.streaming(runId));
        book.apply(started, partition);
        book.setCaughtUp(true);

        topics().send(Topics.TRAIN_METRICS, stepMetrics(runId, 40));
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() == 40 + lead);
        List<TokenBatch> all = batches(runId);
        for (int k = 0; k < all.size(); k++) {
            assertEquals(k, all.get(k).index(), "no batch lost or repeated across the revocation");
        }
    }

    @Test
    void aRestartedStreamContinuesWhereTheTopicEndsWithByteIdenticalBatches() throws Exception {
        String runId = "data-test-restart";
        RunSpec spec = RunSpecs.parse(SPEC + "seed: 99\n");
        RunStarted started = RunStarted.of(runId, spec, "trainer-x", "cpu()", 0);
        DatasetBuilder builder = new DatasetBuilder(new SourceFiles(Path.of(config.root())), new CorpusStore(Path.of(config.store().dir()),
                config.store().maxBytes(), "data-test", 0.01, 1 << 20), config.heldoutWindowsPerRecord(), 200, config.maxRecordBytes(),
                config.maxHeldoutBytes());
        RunStream.Services services = new RunStream.Services(builder, new WordNetSynonyms(), admin, events, progress,
                metrics, KafkaConnection.to(bootstrap), 10);
        progress.reported(runId, 0);
        AtomicBoolean stop = new AtomicBoolean();
        Thread first = new Thread(new RunStream(started, services, stop::get));
        first.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> batches(runId).size() >= 22);
        stop.set(true); // the "crash"
        await().until(() -> !first.isAlive());
        int before = batches(runId).size();

        progress.reported(runId, 100);
        Thread second = new Thread(new RunStream(started, services, () -> batches(runId).size() >= before + 30));
        second.start();
        await().atMost(Duration.ofSeconds(60)).until(() -> !second.isAlive());

        List<TokenBatch> all = batches(runId);
        BatchFactory fresh = new BatchFactory(builder.build(runId, spec), new WordNetSynonyms());
        for (int k = 0; k < all.size(); k++) {
            assertEquals(k, all.get(k).index(), "no batch lost or repeated across the restart");
            assertArrayEquals(TokenBatchCodec.encode(fresh.batch(k).batch()), TokenBatchCodec.encode(all.get(k)), "batch " + k);
        }
        assertTrue(all.size() >= before + 30);
        assertEquals(d(runId).heldOutRecords(), TopicIO.readAll(bootstrap, Topics.heldOut(runId)).size(),
                "the held-out set was written once");
    }

    @Test
    void aBadCorpusFailsThatRunWithAReasonSendsNothingAndOthersGoOn() {
        String bad = "data-test-bad";
        topics().send(Topics.RUNS, RunStarted.of(bad, RunSpecs.parse("data: {source: file, path: nowhere.txt}"), "t", "cpu()", 0));
        String good = "data-test-good";
        topics().send(Topics.RUNS, RunStarted.of(good, RunSpecs.parse(SPEC), "t", "cpu()", 0));
        RunFailed failed = await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, bad, RunFailed.class), e -> e != null);
        assertEquals("data-service", failed.service());
        assertTrue(failed.reason().contains("does not exist under the data root"), failed.reason());
        assertTrue(TopicIO.readAll(bootstrap, Topics.batches(bad)).isEmpty(), "nothing half-sent");
        assertTrue(TopicIO.readAll(bootstrap, Topics.heldOut(bad)).isEmpty(), "nothing half-sent");
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, good, DatasetPrepared.class) != null && !batches(good).isEmpty());
    }

    @Test
    void aPoisonRecordOnTrainMetricsIsDeadLettered() {
        TopicIO.send(bootstrap, Topics.TRAIN_METRICS, "x", "{\"type\":\"StepMetrics\"".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicIO.readAll(bootstrap, Topics.DEAD_LETTERS).stream()
                .anyMatch(r -> Topics.TRAIN_METRICS.equals(TopicIO.header(r, "dead-letter-topic")) && !TopicIO.header(r, "dead-letter-reason").isEmpty()));
    }

    /** What a trainer reports at {@code step}: the values do not matter to data-service. */
    private static StepMetrics stepMetrics(String runId, long step) {
        return StepMetricsBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(Event.now()).step(step).loss(2)
                .crossEntropy(2).learningRate(1e-3).gradNorm(1).tokensPerSecond(1000).stepSeconds(0.1).tokensSeen(1000).build();
    }

    private DatasetPrepared d(String runId) {
        return topics().first(Topics.RUNS, runId, DatasetPrepared.class);
    }


    private List<TokenBatch> batches(String runId) {
        return TopicIO.readAll(bootstrap, Topics.batches(runId)).stream().map(r -> TokenBatchCodec.decode(r.value())).toList();
    }

    private TopicEvents topics() {
        return new TopicEvents(bootstrap);
    }
}
