package org.overfitguard.monitor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.overfitguard.monitor.SampleRun.publish;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.DeadLetterHeaders;
import org.overfitguard.contracts.Topics;
import org.overfitguard.kafka.KafkaBrokerResource;
import org.overfitguard.kafka.TopicIO;

/** monitor-service on a real broker: events in, metric values at /q/metrics and the runs API out. */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class MonitorServiceTest {

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void exportsARunsValuesAndRemovesThemAfterTheRetention() {
        SampleRun run = new SampleRun("metrics");
        Map<String, String> ofRun = Map.of("run", run.runId);
        Map<String, String> patience = Map.of("reason", "patience_exhausted");
        double stopsBefore = metric("overfit_stops_total", patience).orElse(0.0);

        publish(bootstrap, run.requested("sweep-m", "all"), run.started(), run.dataset());
        for (long step = 10; step <= 100; step += 10) {
            publish(bootstrap, run.step(step));
        }
        double[] heldOut = {3.0, 2.9, 2.85, 2.9, 3.0};
        long[] bestStep = {20, 40, 60, 60, 60};
        int[] patienceLeft = {3, 3, 3, 2, 1};
        for (int i = 0; i < heldOut.length; i++) {
            publish(bootstrap, run.evaluation(20L * (i + 1), heldOut[i], bestStep[i], heldOut[(int) bestStep[i] / 20 - 1], patienceLeft[i]));
        }
        publish(bootstrap, run.stop(100, 60, 2.85));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(Optional.of(3.0), metric("overfit_heldout_loss", ofRun), "last evaluation's held-out loss");
            assertEquals(Optional.of(1.0), metric("overfit_patience_left", ofRun));
            assertEquals(Optional.of(stopsBefore + 1), metric("overfit_stops_total", patience));
            assertEquals(Optional.of(100.0), metric("overfit_step", ofRun));
        });
        assertEquals(Optional.of(SampleRun.trainLoss(100)), metric("overfit_train_loss", ofRun), "plain cross-entropy");
        assertEquals(Optional.of(SampleRun.trainLoss(100) + 0.05), metric("overfit_train_objective", ofRun));
        assertEquals(Optional.of(2.85), metric("overfit_best_value", ofRun));
        assertEquals(Optional.of(60.0), metric("overfit_best_step", ofRun));
        assertEquals(3.0 - SampleRun.trainLoss(100), metric("overfit_gap", ofRun).orElseThrow(), 1e-9);
        assertEquals(Math.exp(3.0), metric("overfit_perplexity", ofRun).orElseThrow(), 1e-9);
        assertEquals(0.31, metric("overfit_accuracy", ofRun).orElseThrow(), 1e-9);
        assertEquals(Optional.of(10.0), metric("overfit_steps_per_second", ofRun), "10 steps in each second between step metrics");
        assertEquals(Optional.of(4100.0), metric("overfit_tokens_per_second", ofRun));
        assertEquals(1e-3 * (1 - 100 / 2000.0), metric("overfit_learning_rate", ofRun).orElseThrow(), 1e-12);
        assertEquals(Optional.of(1.0), metric("overfit_run_state", Map.of("run", run.runId, "state", "running")));

        publish(bootstrap, run.completed(100, 60, 2.85));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertEquals(Optional.of(1.0), metric("overfit_run_state", Map.of("run", run.runId, "state", "completed"))));
        assertEquals(Optional.empty(), metric("overfit_run_state", Map.of("run", run.runId, "state", "running")),
                "only the current state has a series");

        given().when().get("/api/runs").then().statusCode(200)
                .body("run_id", hasItem(run.runId))
                .body("find { it.run_id == '" + run.runId + "' }.state", equalTo("completed"))
                .body("find { it.run_id == '" + run.runId + "' }.best_step", equalTo(60))
                .body("find { it.run_id == '" + run.runId + "' }.best_heldout_loss", equalTo(2.85f))
                .body("find { it.run_id == '" + run.runId + "' }.stop_reason", equalTo("patience_exhausted"))
                .body("find { it.run_id == '" + run.runId + "' }.sweep_id", equalTo("sweep-m"));
        given().when().get("/api/runs/" + run.runId).then().statusCode(200)
                .body("run_id", equalTo(run.runId))
                .body("max_steps", equalTo(SampleRun.MAX_STEPS))
                .body("spec.training.max_steps", equalTo(SampleRun.MAX_STEPS))
                .body("spec.early_stopping.monitor", equalTo("heldout_loss"))
                .body("dataset.tokenizer", equalTo("char"))
                .body("steps", hasSize(10))
                .body("steps[9].cross_entropy", equalTo((float) SampleRun.trainLoss(100)))
                .body("evaluations", hasSize(5))
                .body("evaluations.heldout_loss", equalTo(java.util.List.of(3.0f, 2.9f, 2.85f, 2.9f, 3.0f)))
                .body("evaluations[4].sample", equalTo("sample text at step 100"))
                .body("stop.reason", equalTo("patience_exhausted"))
                .body("stop.at_step", equalTo(100))
                .body("completion.best_step", equalTo(60));
        given().when().get("/api/runs/no-such-run").then().statusCode(404)
                .body("error", equalTo("no run 'no-such-run' seen by monitor-service"));

        // the finished run's series go after monitor.run-retention (5 s in tests); its history stays
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            String text = metricsText();
            assertTrue(!text.contains("run=\"" + run.runId + "\""), "per-run series of a finished run expire");
        });
        given().when().get("/api/runs/" + run.runId).then().statusCode(200).body("state", equalTo("completed"));
    }

    @Test
    void aPoisonRecordIsDeadLetteredWithItsBytesAndEveryDeadLetterIsCounted() {
        Map<String, String> fromRuns = Map.of("topic", "runs", "consumer", "unknown");
        Map<String, String> fromBatches = Map.of("topic", "batches.*", "consumer", "trainer-service");
        double runsBefore = metric("overfit_dead_letters_total", fromRuns).orElse(0.0);
        double batchesBefore = metric("overfit_dead_letters_total", fromBatches).orElse(0.0);

        String key = "poison-" + UUID.randomUUID();
        byte[] poison = ("{not an event " + key).getBytes(StandardCharsets.UTF_8);
        TopicIO.send(bootstrap, Topics.RUNS, key, poison);
        ConsumerRecord<String, byte[]> letter = await().atMost(Duration.ofSeconds(30)).until(() -> TopicIO.readAll(bootstrap, Topics.DEAD_LETTERS)
                .stream().filter(r -> key.equals(r.key())).findFirst().orElse(null), r -> r != null);
        assertArrayEquals(poison, letter.value(), "the dead letter carries the original bytes");
        assertEquals(Topics.RUNS, TopicIO.header(letter, DeadLetterHeaders.TOPIC));
        assertTrue(TopicIO.header(letter, DeadLetterHeaders.REASON).contains("not a valid event on runs"), TopicIO.header(letter, DeadLetterHeaders.REASON));

        // a dead letter of a plain-client consumer, which names itself; per-run topics count under their prefix
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.DEAD_LETTERS, "some-run", new byte[] {1, 2, 3});
            r.headers().add(DeadLetterHeaders.TOPIC, Topics.batches("some-run").getBytes(StandardCharsets.UTF_8));
            r.headers().add(DeadLetterHeaders.CONSUMER, "trainer-service".getBytes(StandardCharsets.UTF_8));
            r.headers().add(DeadLetterHeaders.REASON, "corrupt token batch".getBytes(StandardCharsets.UTF_8));
            producer.send(r).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("cannot send a dead letter", e);
        }

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals(Optional.of(runsBefore + 1), metric("overfit_dead_letters_total", fromRuns));
            assertEquals(Optional.of(batchesBefore + 1), metric("overfit_dead_letters_total", fromBatches));
        });
    }

    /** Valid JSON that breaks the contract used to reach the history and break /api/runs; now it is a dead letter. */
    @Test
    void incompleteAndMiskeyedEventsAreDeadLetteredAndTheApiKeepsWorking() throws Exception {
        String incomplete = "incomplete-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] bytes = ("{\"type\":\"RunRequested\",\"run_id\":\"" + incomplete + "\"}").getBytes(StandardCharsets.UTF_8);
        TopicIO.send(bootstrap, Topics.RUNS, incomplete, bytes);
        SampleRun run = new SampleRun("miskeyed");
        TopicIO.send(bootstrap, Topics.RUNS, "someone-else", org.overfitguard.contracts.json.Json.write(run.requested(null, null))
                .getBytes(StandardCharsets.UTF_8));
        List<ConsumerRecord<String, byte[]>> letters = await().atMost(Duration.ofSeconds(30)).until(() -> TopicIO.readAll(bootstrap,
                Topics.DEAD_LETTERS).stream().filter(r -> incomplete.equals(r.key()) || "someone-else".equals(r.key())).toList(),
                l -> l.size() == 2);
        assertTrue(letters.stream().anyMatch(r -> TopicIO.header(r, DeadLetterHeaders.REASON).contains("spec must be present")));
        assertTrue(letters.stream().anyMatch(r -> TopicIO.header(r, DeadLetterHeaders.REASON).contains("key must be the run id")));
        assertTrue(letters.stream().anyMatch(r -> java.util.Arrays.equals(bytes, r.value())), "byte for byte");
        given().when().get("/api/runs").then().statusCode(200);
        given().when().get("/api/runs/" + incomplete).then().statusCode(404);
    }

    /** Anyone can write the dead-letter headers: the consumer and topic tags stay a known, small set. */
    @Test
    void deadLetterTagsStayBoundedWhateverTheHeadersSay() throws Exception {
        Map<String, String> other = Map.of("topic", "other", "consumer", "other");
        double before = metric("overfit_dead_letters_total", other).orElse(0.0);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap),
                new StringSerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 20; i++) {
                ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.DEAD_LETTERS, "k", new byte[] {1});
                r.headers().add(DeadLetterHeaders.TOPIC, ("hostile-topic-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
                r.headers().add(DeadLetterHeaders.CONSUMER, ("hostile-consumer-" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
                producer.send(r).get(30, TimeUnit.SECONDS);
            }
        }
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertEquals(Optional.of(before + 20), metric("overfit_dead_letters_total", other)));
        String scrape = given().when().get("/q/metrics").then().extract().asString();
        assertTrue(!scrape.contains("hostile-"), "no header value became a tag");
    }

    @Test
    void theStreamSaysWhichRunChanged() throws Exception {
        SampleRun run = new SampleRun("stream");
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/stream"))
                .header("Accept", "text/event-stream").build();
        CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
                .sendAsync(request, HttpResponse.BodyHandlers.ofLines());
        CompletableFuture<String> message = response.thenApply(r -> r.body()
                .filter(line -> line.startsWith("data:") && line.contains(run.runId)).findFirst().orElse(""));
        // the stream tells only of changes after it was opened: keep changing the run until it says so
        long step = 0;
        while (!message.isDone() && step < 200) {
            publish(bootstrap, step == 0 ? run.requested(null, null) : run.step(step));
            step += 10;
            try {
                message.get(1, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                // not yet
            }
        }
        String data = message.get(1, TimeUnit.SECONDS).substring("data:".length()).strip();
        assertTrue(data.matches("\\{\"run_id\":\"" + run.runId + "\",\"state\":\"(pending|running)\",\"step\":\\d+}"), data);
        response.get().body().close();
    }

    /** Each live dashboard holds a connection: past monitor.max-stream-clients (3 in tests) one more is a 503. */
    @Test
    void liveStreamsAreBoundedAndAPlaceFreesWhenOneCloses() throws Exception {
        HttpClient client = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + "/api/stream"))
                .header("Accept", "text/event-stream").build();
        List<HttpResponse<Stream<String>>> open = new java.util.ArrayList<>();
        HttpResponse<Stream<String>> refused = null;
        for (int i = 0; i <= 3 && refused == null; i++) {
            HttpResponse<Stream<String>> r = client.send(request, HttpResponse.BodyHandlers.ofLines());
            if (r.statusCode() == 503) {
                refused = r;
            } else {
                assertEquals(200, r.statusCode());
                open.add(r);
            }
        }
        assertTrue(refused != null, "a fourth stream is refused");
        assertTrue(refused.headers().firstValue("Retry-After").isPresent());
        refused.body().close();
        open.forEach(r -> r.body().close());
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            HttpResponse<Stream<String>> r = client.send(request, HttpResponse.BodyHandlers.ofLines());
            r.body().close();
            return r.statusCode() == 200;
        });
    }

    private static Optional<Double> metric(String name, Map<String, String> labels) {
        return PrometheusText.value(metricsText(), name, labels);
    }

    static String metricsText() {
        return given().when().get("/q/metrics").then().statusCode(200).extract().asString();
    }

}
