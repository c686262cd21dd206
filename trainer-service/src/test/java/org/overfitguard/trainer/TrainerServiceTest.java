package org.overfitguard.trainer;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.DeadLetterHeaders;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.kafka.KafkaBrokerResource;
import org.overfitguard.kafka.TopicIO;
import org.overfitguard.testing.TopicEvents;
import org.overfitguard.trainer.models.ModelLibrary;

/**
 * trainer-service against a real broker; the test plays data-service (DatasetPrepared and the batch
 * stream) and the evaluator (StopRequested).
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
@QuarkusTestResource(StaticTopics.class)
@QuarkusTestResource(TestTokens.class)
class TrainerServiceTest {

    private static final String SUBMITTER = TestTokens.withRoles("submitter");

    private static final String TINY = """
            model: {layers: 1, heads: 2, width: 32, block_size: 8}
            training: {batch_size: 4, max_steps: 1000, checkpoint_every: 5, metrics_every: 5}
            """;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;
    @jakarta.inject.Inject
    ModelLibrary library;

    @Test
    void aBadSpecIsA400ListingEveryBadField() {
        submit("application/yaml", "model: {layers: 0, heads: 3}\ntraining: {max_steps: 9999999}\n")
                .then().statusCode(400)
                .body("fields.field", hasItems("model.layers", "model.heads", "training.max_steps"))
                .body("fields.find { it.field == 'model.layers' }.message", equalTo("model.layers must be in [1, 48], was 0"));
        submit("application/json", "{\"training\": {\"batch_size\": 4096}, \"model\": {\"block_size\": 128, \"width\": 2048, \"layers\": 24}}")
                .then().statusCode(400)
                .body("fields.field", hasItems("training.batch_size", "model"))
                .body("fields.find { it.field == 'training.batch_size' }.allowed",
                        equalTo("such that batch_size x model.block_size <= 262144 (was 524288; trainer.limits.max-batch-tokens)"));
    }

    @Test
    void trainsFromRealBatchesAndFinishesOnTheRequestedBestCheckpoint() throws Exception {
        String runId = submit("application/yaml", TINY)
                .then().statusCode(202).extract().path("run_id");
        RunStarted started = await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunStarted.class), e -> e != null);
        assertEquals("cpu()", started.device());
        playDataService(runId, 40, 17);

        List<CheckpointSaved> checkpoints = await().atMost(Duration.ofSeconds(120))
                .until(() -> topics().all(Topics.CHECKPOINTS, runId, CheckpointSaved.class), l -> l.size() >= 3);
        CheckpointSaved best = checkpoints.get(0);
        assertEquals(5, best.step());
        assertTrue(Files.isDirectory(Path.of(best.path())), best.path());

        topics().send(Topics.CONTROL, stop(runId, 15, 2.0, best.path()));
        RunCompleted done = await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunCompleted.class), e -> e != null);
        assertEquals(CompletionReason.PATIENCE_EXHAUSTED, done.reason());
        assertEquals(best.path(), done.finalCheckpoint());
        assertEquals(5L, done.bestStep());
        for (String file : List.of("model.params", "optimizer.state", "meta.json", "MANIFEST.sha256")) {
            assertArrayEquals(Files.readAllBytes(Path.of(best.path(), file)), Files.readAllBytes(Path.of(done.finalModelPath(), file)), file);
        }
        List<StepMetrics> metrics = topics().all(Topics.TRAIN_METRICS, runId, StepMetrics.class);
        assertTrue(metrics.size() >= 3 && metrics.get(0).step() == 5 && metrics.get(0).tokensPerSecond() > 0, metrics.toString());
        given().when().get("/runs/" + runId).then().statusCode(200)
                .body("status", equalTo("completed")).body("reason", equalTo("patience_exhausted"));

        // the poison batch went to the dead-letter topic with a reason; training went on past it
        List<ConsumerRecord<String, byte[]>> dead = TopicIO.readAll(bootstrap, Topics.DEAD_LETTERS);
        assertTrue(dead.stream().anyMatch(r -> TopicIO.header(r, DeadLetterHeaders.TOPIC).equals(Topics.batches(runId))
                && TopicIO.header(r, DeadLetterHeaders.REASON).startsWith("corrupt token batch")), "poison batch dead-lettered");
        assertTrue(checkpoints.stream().anyMatch(c -> c.step() >= 15), "training continued past the poison batch");
    }

    /**
     * A run that ends elsewhere while it trains (data-service failed it: the brokers refused its
     * batches) must free its trainer: before, the loop waited for a batch that never came, beating
     * its heartbeat, and every later run stayed pending.
     */
    @Test
    void aRunFailedElsewhereWhileItTrainsFreesItsTrainer() {
        String runId = submit("application/yaml", TINY).then().statusCode(202).extract().path("run_id");
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunStarted.class), e -> e != null);
        playDataService(runId, 20, 29); // the trainer trains 20 steps, then waits for batch 20
        await().atMost(Duration.ofSeconds(120)).until(() -> topics().all(Topics.CHECKPOINTS, runId, CheckpointSaved.class),
                l -> l.stream().anyMatch(c -> c.step() == 20));
        topics().send(Topics.RUNS, RunFailed.of(runId, "data-service", "the brokers refused training batch records: test"));
        String next = submit("application/yaml", TINY).then().statusCode(202).extract().path("run_id");
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, next, RunStarted.class), e -> e != null);
        given().when().get("/runs/" + runId).then().statusCode(200).body("status", equalTo("failed"));
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + runId).then().statusCode(409);
        assertEquals(null, topics().first(Topics.RUNS, runId, RunCompleted.class), "a failed run is not completed as well");
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + next).then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, next, RunCompleted.class), e -> e != null);
    }

    /** Two micro-batches a step: 40 records train 20 steps, and the step's report counts both records' tokens. */
    @Test
    void gradientAccumulationTrainsAStepOnEachPairOfRecords() {
        String runId = submit("application/yaml", TINY.replace("metrics_every: 5}", "metrics_every: 5, gradient_accumulation_steps: 2}"))
                .then().statusCode(202).extract().path("run_id");
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunStarted.class), e -> e != null);
        playDataService(runId, 40, 31);
        await().atMost(Duration.ofSeconds(120)).until(() -> topics().all(Topics.CHECKPOINTS, runId, CheckpointSaved.class),
                l -> l.stream().anyMatch(c -> c.step() == 20));
        List<StepMetrics> metrics = topics().all(Topics.TRAIN_METRICS, runId, StepMetrics.class);
        StepMetrics first = metrics.stream().filter(m -> m.step() == 5).findFirst().orElseThrow();
        assertEquals(5L * 2 * 4 * 8, first.tokensSeen(), "5 steps of 2 records of 4 x 8 tokens");
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + runId).then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunCompleted.class), e -> e != null);
        assertTrue(topics().all(Topics.CHECKPOINTS, runId, CheckpointSaved.class).stream().noneMatch(c -> c.step() > 20),
                "40 records are 20 steps, no more");
    }

    @Test
    void deleteCancelsARunThatWaitsForItsData() {
        String runId = submit("application/yaml", TINY)
                .then().statusCode(202).extract().path("run_id");
        // the run is known once the ledger has read its RunRequested back from the topic
        await().atMost(Duration.ofSeconds(30)).until(() -> given().when().get("/runs/" + runId).statusCode() == 200);
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + runId).then().statusCode(202);
        RunCompleted done = await().atMost(Duration.ofSeconds(120)).until(() -> topics().first(Topics.RUNS, runId, RunCompleted.class), e -> e != null);
        assertEquals(CompletionReason.CANCELLED, done.reason());
        given().when().get("/runs/" + runId).then().statusCode(200).body("status", equalTo("cancelled"));
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + runId).then().statusCode(409);
        given().when().get("/runs/no-such-run").then().statusCode(404);
    }

    @Test
    void aPoisonRunRecordIsDeadLetteredAndTheLedgerGoesOn() {
        TopicIO.send(bootstrap, Topics.RUNS, "junk", "{not an event".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicIO.readAll(bootstrap, Topics.DEAD_LETTERS).stream()
                .anyMatch(r -> TopicIO.header(r, DeadLetterHeaders.TOPIC).equals(Topics.RUNS)
                        && TopicIO.header(r, DeadLetterHeaders.REASON).startsWith("not a valid event on runs")));
        String runId = submit("application/json", "{}").then().statusCode(202).extract().path("run_id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/runs/" + runId).then().statusCode(200));
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + runId).then().statusCode(202);
    }

    /** The record that used to stop all training for good: valid JSON, no fields. */
    @Test
    void anIncompleteEventIsDeadLetteredOnceAndTrainingGoesOn() {
        TopicIO.send(bootstrap, Topics.RUNS, "x", "{\"type\":\"RunRequested\",\"run_id\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        await().atMost(Duration.ofSeconds(30)).until(() -> TopicIO.readAll(bootstrap, Topics.DEAD_LETTERS).stream()
                .anyMatch(r -> r.key() != null && r.key().equals("x") && TopicIO.header(r, DeadLetterHeaders.REASON).contains("spec must be present")));
        String runId = submit("application/json", "{}").then().statusCode(202).extract().path("run_id");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/runs").then().statusCode(200)
                .body("run_id", hasItems(runId)));
        given().when().get("/q/health/live").then().statusCode(200);
        // the run's spec reads back as it is written: snake_case fields, lowercase enums
        given().when().get("/runs/" + runId).then().statusCode(200).body("spec.data.held_out_fraction", equalTo(0.2f))
                .body("spec.data.source", equalTo("synthetic")).body("spec.regularization.weight_decay_mode", equalTo("decoupled"));
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + runId).then().statusCode(202);
        assertEquals(1, TopicIO.readAll(bootstrap, Topics.DEAD_LETTERS).stream().filter(r -> "x".equals(r.key())).count(),
                "lettered once");
    }

    /** Three starts from step 0 that got nowhere (another trainer died on it three times): the fourth is a RunFailed. */
    @Test
    void aRunStartedTooOftenFromTheSameStepFailsWithTheReason() {
        String runId = "run-doomed-" + Long.toHexString(System.nanoTime());
        RunSpec spec = RunSpecs.parse(TINY);
        for (int i = 0; i < 3; i++) { // the request last, so that this trainer cannot take the run before it knows all three
            topics().send(Topics.RUNS, RunStarted.of(runId, spec, "trainer-gone", "cpu()", 0));
        }
        topics().send(Topics.RUNS, RunRequested.of(runId, spec, null, null));
        RunFailed failed = await().atMost(Duration.ofSeconds(120)).until(() -> topics().first(Topics.RUNS, runId, RunFailed.class), e -> e != null);
        assertTrue(failed.reason().contains("started 3 times from step 0"), failed.reason());
        given().when().get("/runs/" + runId).then().statusCode(200).body("status", equalTo("failed"));
    }

    /** Starts that ended in a RunReleased (a rebalance, a shutdown) are no failures: the run is taken again. */
    @Test
    void releasedAttemptsDoNotCount() {
        String runId = "run-released-" + Long.toHexString(System.nanoTime());
        RunSpec spec = RunSpecs.parse(TINY);
        for (int i = 0; i < 3; i++) {
            topics().send(Topics.RUNS, RunStarted.of(runId, spec, "trainer-gone", "cpu()", 0));
            topics().send(Topics.RUNS, RunReleased.of(runId, "trainer-gone", 3, "partition revoked"));
        }
        topics().send(Topics.RUNS, RunRequested.of(runId, spec, null, null));
        await().atMost(Duration.ofSeconds(120)).until(() -> topics().all(Topics.RUNS, runId, RunStarted.class).stream()
                .anyMatch(s -> s.trainerId().equals("trainer-test")));
        assertEquals(null, topics().first(Topics.RUNS, runId, RunFailed.class), "not failed");
        given().auth().oauth2(SUBMITTER).when().delete("/runs/" + runId).then().statusCode(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunCompleted.class), e -> e != null);
    }

    @Test
    void writesNeedATokenWithTheSubmitterRoleAndAJsonOrYamlBody() {
        given().contentType("application/json").body("{}").when().post("/runs").then().statusCode(401);
        given().auth().oauth2(TestTokens.forged()).contentType("application/json").body("{}").when().post("/runs").then().statusCode(401);
        given().auth().oauth2(TestTokens.withRoles("viewer")).contentType("application/json").body("{}").when().post("/runs")
                .then().statusCode(403);
        given().auth().oauth2(SUBMITTER).contentType("text/plain").body("{}").when().post("/runs").then().statusCode(415);
        given().auth().oauth2(SUBMITTER).contentType("application/x-www-form-urlencoded").body("a=b").when().post("/runs")
                .then().statusCode(415);
        given().when().delete("/runs/anything").then().statusCode(401);
        given().contentType("application/json").body("{}").when().post("/sweeps?preset=ablation").then().statusCode(401);
        given().when().get("/runs").then().statusCode(200);
    }

    @Test
    void aSpecTheBrokersCouldNotCarryIsRefusedBeforeAnythingRuns() {
        submit("application/yaml", "training: {batch_size: 4096}\n").then().statusCode(400)
                .body("fields.find { it.allowed.contains('record limit') }.field", equalTo("training.batch_size"));
        submit("application/json", "{\"seed\":1,\"seed\":2} junk").then().statusCode(400).body("fields[0].field", equalTo("(spec)"));
        given().auth().oauth2(SUBMITTER).contentType("application/json").body("{}").when().post("/sweeps?grid=.%3D1")
                .then().statusCode(400).body("fields[0].field", equalTo("grid"));
        // a grid past its 4096 characters reaches the API (the request line may be 16 KiB) and is refused by name
        given().auth().oauth2(SUBMITTER).contentType("application/json").body("{}").urlEncodingEnabled(false)
                .when().post("/sweeps?grid=" + "x".repeat(5000)).then().statusCode(400)
                .body("fields[0].field", equalTo("grid")).body("fields[0].allowed", equalTo("at most 4096 characters"));
        // a tuning body: every mistake named, over real HTTP, before anything runs
        given().auth().oauth2(SUBMITTER).contentType("application/yaml").body("""
                base: {training: {checkpoint_every: 50}}
                space:
                  regularization.weight_decay: {log_uniform: [0, 0.3]}
                  regularization.nope: {values: [1]}
                trials: 1000
                scheduler: {kind: asha, min_budget: 70, max_budget: 60}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post("/sweeps").then().statusCode(400)
                .body("fields.field", org.hamcrest.Matchers.hasItems("space.regularization.weight_decay.log_uniform",
                        "space.regularization.nope", "trials", "scheduler.min_budget", "scheduler.max_budget"));
        // the promotion form's own fields: a mode that is not one, a negative bootstrap
        given().auth().oauth2(SUBMITTER).contentType("application/yaml").body("""
                space: {regularization.weight_decay: {values: [0, 0.1]}}
                scheduler: {kind: asha, min_budget: 50, max_budget: 150, mode: pause, bootstrap: 3}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post("/sweeps").then().statusCode(400)
                .body("fields.find { it.field == 'scheduler.mode' }.allowed", org.hamcrest.Matchers.containsString("promotion"));
        given().auth().oauth2(SUBMITTER).contentType("application/yaml").body("""
                space: {regularization.weight_decay: {values: [0, 0.1]}}
                scheduler: {kind: asha, min_budget: 50, max_budget: 150, bootstrap: -1}
                """.getBytes(java.nio.charset.StandardCharsets.UTF_8)).when().post("/sweeps").then().statusCode(400)
                .body("fields.field", org.hamcrest.Matchers.hasItem("scheduler.bootstrap"));
    }

    @Test
    void aFinishedRunsModelIsExportedWithItsCardAndGeneratesTheSameTextForTheSameSeed() throws Exception {
        String runId = submit("application/yaml", TINY).then().statusCode(202).extract().path("run_id");
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunStarted.class), e -> e != null);
        given().auth().oauth2(SUBMITTER).contentType("application/json").body("{}").when().post("/runs/" + runId + "/generate")
                .then().statusCode(409).body("error", org.hamcrest.Matchers.containsString("no final model yet"));
        given().when().get("/runs/" + runId + "/export/final/README.md").then().statusCode(409);
        List<String> vocabulary = new java.util.ArrayList<>(List.of("<unk>", "<mask>"));
        "abcdefghij kl.".chars().forEach(c -> vocabulary.add(String.valueOf((char) c)));
        playDataService(runId, 40, 23, dataset(runId, "char", vocabulary, 0, 1));
        CheckpointSaved best = await().atMost(Duration.ofSeconds(120))
                .until(() -> topics().all(Topics.CHECKPOINTS, runId, CheckpointSaved.class), l -> l.size() >= 2).get(0);
        topics().send(Topics.EVALUATIONS, EvaluationCompletedBuilder.builder()
                .runId(runId).eventId(Event.newId()).timestamp(Event.now()).step(5).checkpointPath(best.path())
                .status(EvaluationStatus.OK).heldOutLoss(2.25).perplexity(Math.exp(2.25)).accuracy(0.31).trainLoss(2.0).gap(0.25)
                .heldOutTokens(200).sample("abc").evalSeconds(0.1).monitor("heldout_loss").monitoredValue(2.25)
                .bestValue(2.25).bestStep(5L).bestCheckpoint(best.path()).patienceLeft(3)
                .build());
        topics().send(Topics.CONTROL, stop(runId, 10, 2.25, best.path()));
        await().atMost(Duration.ofSeconds(60)).until(() -> topics().first(Topics.RUNS, runId, RunCompleted.class), e -> e != null);

        given().when().post("/runs/" + runId + "/export").then().statusCode(401);
        // the final model's export is written on its first download, without a token (reads are open)
        String card = given().when().get("/runs/" + runId + "/export/final/README.md").then().statusCode(200)
                .contentType(org.hamcrest.Matchers.startsWith("text/markdown")).extract().asString();
        io.restassured.path.json.JsonPath export = given().auth().oauth2(SUBMITTER).when().post("/runs/" + runId + "/export")
                .then().statusCode(200).body("model", equalTo("final")).body("run_id", equalTo(runId)).extract().jsonPath();
        assertEquals(List.of("config.json", "model.safetensors", "tokenizer_config.json", "vocab.json", "README.md"),
                export.getList("files.name"));
        assertTrue(card.contains("Fired at step 10: patience_exhausted; best step 5") && card.contains("| held-out loss | 2.25 nats/token")
                && card.contains("| perplexity | 9.488 |") && card.contains("| generalization gap (held-out - training) | 0.25 |")
                && card.contains("| device | cpu() |") && card.contains(export.getString("files[1].sha256")), card);
        byte[] weights = given().when().get("/runs/" + runId + "/export/final/model.safetensors").then().statusCode(200)
                .extract().asByteArray();
        assertEquals(export.getLong("files[1].bytes"), weights.length);
        assertEquals(export.getList("files.sha256"), given().auth().oauth2(SUBMITTER).when().post("/runs/" + runId + "/export")
                .then().statusCode(200).extract().jsonPath().getList("files.sha256"), "a second export finds the first");
        given().when().get("/runs/" + runId + "/export").then().statusCode(200).body("model", hasItems("final"));
        given().when().get("/runs/" + runId + "/export/final/..%2F..%2Fmeta.json").then().statusCode(404);
        given().auth().oauth2(SUBMITTER).when().post("/runs/" + runId + "/export?step=abc").then().statusCode(400)
                .body("fields[0].field", equalTo("step"));
        given().auth().oauth2(SUBMITTER).when().post("/runs/" + runId + "/export?step=7").then().statusCode(404)
                .body("error", org.hamcrest.Matchers.containsString("no checkpoint at step 7"));

        String body = "{\"prompt\": \"abc\", \"max_tokens\": 40, \"temperature\": 1.0, \"top_k\": 8, \"seed\": 3}";
        var first = given().auth().oauth2(SUBMITTER).contentType("application/json").body(body).when().post("/runs/" + runId + "/generate")
                .then().statusCode(200).extract();
        String text = first.asString();
        assertEquals(40, text.codePointCount(0, text.length()), text);
        assertEquals(text, given().auth().oauth2(SUBMITTER).contentType("application/json").body(body).when()
                .post("/runs/" + runId + "/generate").then().statusCode(200).extract().asString(), "same seed, same text");
        assertTrue(!text.equals(given().auth().oauth2(SUBMITTER).contentType("application/json").body(body.replace("\"seed\": 3", "\"seed\": 4"))
                .when().post("/runs/" + runId + "/generate").then().statusCode(200).extract().asString()), "another seed, other text");
        given().auth().oauth2(SUBMITTER).contentType("application/json")
                .body("{\"max_tokens\": 0, \"temperature\": -1, \"top_k\": 1.5, \"bogus\": 1}").when().post("/runs/" + runId + "/generate")
                .then().statusCode(400).body("fields.field", hasItems("max_tokens", "temperature", "top_k", "bogus"));
        given().auth().oauth2(SUBMITTER).contentType("application/json").body("[1] x").when().post("/runs/" + runId + "/generate")
                .then().statusCode(400).body("fields[0].field", equalTo("(body)"));
        given().auth().oauth2(SUBMITTER).contentType("application/json").body("{}").when().post("/runs/run-nope/generate")
                .then().statusCode(404);
        given().contentType("application/json").body("{}").when().post("/runs/" + runId + "/generate").then().statusCode(401);

        // every model slot taken (trainer.models.concurrent, 2): a 503 that says when to come back, until one is free
        try (ModelLibrary.Loaded a = library.load(library.run(runId), null); ModelLibrary.Loaded b = library.load(library.run(runId), null)) {
            given().auth().oauth2(SUBMITTER).contentType("application/json").body(body).when().post("/runs/" + runId + "/generate")
                    .then().statusCode(503).header("Retry-After", "5").body("error", org.hamcrest.Matchers.containsString("model slots"));
        }
        assertEquals(text, given().auth().oauth2(SUBMITTER).contentType("application/json").body(body).when()
                .post("/runs/" + runId + "/generate").then().statusCode(200).extract().asString(), "the slots are free again");
    }

    private static io.restassured.response.Response submit(String contentType, String body) {
        return given().auth().oauth2(SUBMITTER).contentType(contentType).body(body.getBytes(StandardCharsets.UTF_8)).when().post("/runs");
    }

    /** What data-service would do: DatasetPrepared, then batches 0..n-1 on a one-partition topic, a poison record among them. */
    private void playDataService(String runId, int batches, long seed) {
        playDataService(runId, batches, seed, dataset(runId, "byte", List.of(), -1, 15));
    }

    /** What the evaluator would say: patience exhausted at {@code atStep}, the best at step 5. */
    private static StopRequested stop(String runId, long atStep, double bestValue, String bestCheckpoint) {
        return StopRequestedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(Event.now())
                .reason(StopReason.PATIENCE_EXHAUSTED).monitor("heldout_loss").atStep(atStep).bestStep(5L).bestValue(bestValue)
                .bestCheckpoint(bestCheckpoint).detail("test").build();
    }

    /** What data-service would announce for a corpus of 1,000 characters, 16 symbols, 10 held-out windows. */
    private static DatasetPrepared dataset(String runId, String tokenizer, List<String> vocabulary, int unknown, int mask) {
        return DatasetPreparedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(Event.now())
                .tokenizer(tokenizer).vocabSize(16).vocabulary(vocabulary).unknownTokenId(unknown).maskTokenId(mask)
                .documents(1).corpusChars(1000).trainTokens(800).heldOutTokens(200).heldOutRecords(1).heldOutWindows(10)
                .build();
    }

    private void playDataService(String runId, int batches, long seed, DatasetPrepared dataset) {
        TopicIO.create(bootstrap, Topics.batches(runId), 1);
        topics().send(Topics.RUNS, dataset);
        Random random = new Random(seed);
        for (int k = 0; k < batches; k++) {
            if (k == 12) {
                TopicIO.send(bootstrap, Topics.batches(runId), runId, "garbage".getBytes(StandardCharsets.UTF_8));
            }
            int[] stream = random.ints(4 * 8 + 1, 0, 15).toArray();
            int[] in = new int[32];
            int[] out = new int[32];
            for (int i = 0; i < 32; i++) {
                in[i] = stream[i];
                out[i] = stream[i + 1];
            }
            TopicIO.send(bootstrap, Topics.batches(runId), runId, TokenBatchCodec.encode(new TokenBatch(runId, k, false, 4, 8, in, out)));
        }
    }

    private TopicEvents topics() {
        return new TopicEvents(bootstrap);
    }
}
