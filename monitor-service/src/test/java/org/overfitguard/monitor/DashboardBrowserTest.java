package org.overfitguard.monitor;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.overfitguard.monitor.SampleRun.publish;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.kafka.KafkaBrokerResource;

/**
 * The dashboard in a real headless browser (Debian's chromium): a run fed through the broker shows
 * on the runs page, and its run page draws one held-out point per evaluation with the best step and
 * the stop marked; a tuning sweep's comparison view marks where ASHA pruned a trial.
 */
@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class DashboardBrowserTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final int EVALUATIONS = 6;
    private static final long BEST_STEP = 150;
    private static final long STOP_STEP = 300;

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void theRunPageDrawsTheOverfittingPictureOfARunFedThroughTheBroker() throws Exception {
        assertTrue(Files.isExecutable(CHROMIUM), CHROMIUM + " is missing: run scripts/install-test-tools.sh "
                + "(installs Debian's chromium, the browser this test drives)");
        SampleRun run = new SampleRun("browser");
        publish(bootstrap, run.requested("sweep-b", "no-dropout"), run.started(), run.dataset());
        for (long step = 10; step <= STOP_STEP; step += 10) {
            publish(bootstrap, run.step(step));
        }
        double[] heldOut = {2.9, 2.7, 2.6, 2.65, 2.75, 2.9}; // every 50 steps, U-shaped: best at step 150
        int[] patienceLeft = {3, 3, 3, 2, 1, 0};
        for (int i = 0; i < EVALUATIONS; i++) {
            long step = 50L * (i + 1);
            long best = Math.min(step, BEST_STEP);
            publish(bootstrap, run.evaluation(step, heldOut[i], best, heldOut[(int) (best / 50 - 1)], patienceLeft[i]));
        }
        publish(bootstrap, run.stop(STOP_STEP, BEST_STEP, 2.6), run.completed(STOP_STEP, BEST_STEP, 2.6));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonPath detail = given().when().get("/api/runs/" + run.runId).then().statusCode(200).extract().jsonPath();
            assertEquals("completed", detail.getString("state"));
            assertEquals(EVALUATIONS, detail.getList("evaluations").size());
            assertEquals(STOP_STEP / 10, detail.getList("steps").size());
        });

        String runPage = dumpDom("run.html?id=" + run.runId);
        assertTrue(runPage.contains("<span id=\"run-id\" class=\"mono\">" + run.runId + "</span>"), "run id shown");
        assertTrue(runPage.contains("class=\"state state-completed\">completed</span>"), "state shown");
        assertEquals(EVALUATIONS, count(runPage, "<circle [^>]*class=\"heldout-point( best)?\""), "one held-out point per evaluation");
        assertEquals(1, count(runPage, "<circle [^>]*class=\"heldout-point best\" data-step=\"" + BEST_STEP + "\""), "the best point");
        assertEquals(1, count(runPage, "class=\"best-marker\" data-step=\"" + BEST_STEP + "\""), "best-step marker");
        assertEquals(1, count(runPage, "class=\"stop-marker\" data-step=\"" + STOP_STEP + "\""), "stop marker");
        assertEquals(1, count(runPage, "<path d=\"M[^\"]+\" class=\"train-line\""), "training curve");
        assertEquals(EVALUATIONS, count(runPage, "<li data-step=\"\\d+\">"), "one sample per evaluation");
        assertTrue(runPage.contains("<dt>architecture</dt><dd>2 × pre-LayerNorm, residual on</dd>"), "the architecture switches");
        assertTrue(runPage.contains("<dt>regularizers</dt><dd>none in the model and loss</dd>"), "the regularizers");
        assertTrue(runPage.contains("<dt>held out</dt><dd>a random 20 %</dd>"), "where the held-out data comes from");
        assertTrue(runPage.contains("Corpus: 1 documents, 10,000 characters; 8,000 training tokens, 2,000 of 2,000 held-out tokens"
                + " scored per evaluation · 3 malformed UTF-8 sequences dropped"), "what data-service dropped from the corpus");
        String model = "http://localhost:8081/runs/" + run.runId + "/export/final/"; // monitor.trainer-url's default
        assertTrue(runPage.contains("href=\"" + model + "README.md\"") && runPage.contains("href=\"" + model + "model.safetensors\""),
                "the finished run links to its model card and weights");

        // no trainer runs in this test: its consumer group has no members, so the header says it is down
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> given().when().get("/api/services").then().statusCode(200)
                .body("find { it.service == 'monitor-service' }.up", org.hamcrest.Matchers.equalTo(true)));
        String index = dumpDom("index.html");
        assertTrue(index.contains("class=\"service service-down\" data-service=\"trainer-service\""), "the trainer shows down");
        assertTrue(index.contains("class=\"service service-up\" data-service=\"monitor-service\""), "the monitor shows up");
        assertTrue(index.contains("<tr data-run-id=\"" + run.runId + "\">"), "the run is listed");
        assertTrue(index.contains("href=\"compare.html?sweep=sweep-b\""), "its sweep links to the comparison");

        String compare = dumpDom("compare.html?sweep=sweep-b");
        assertEquals(EVALUATIONS, count(compare, "<circle [^>]*class=\"compare-(point|best)\""), "the run's held-out curve");
    }

    @Test
    void theComparisonViewShowsATuningSweepWithItsPrunedTrialWhileItRuns() throws Exception {
        String sweep = "sweep-tune-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        SampleRun best = new SampleRun("trial");
        SampleRun pruned = new SampleRun("trial");
        SampleRun running = new SampleRun("trial");
        publish(bootstrap, best.requested(sweep, "t0 regularization.weight_decay=0.01"), best.started(),
                pruned.requested(sweep, "t1 regularization.weight_decay=0.3"), pruned.started(),
                running.requested(sweep, "t2 regularization.weight_decay=0.001"), running.started());
        for (long step = 10; step <= 150; step += 10) {
            publish(bootstrap, best.step(step));
        }
        publish(bootstrap, best.evaluation(50, 2.6, 50, 2.6, 3), best.evaluation(100, 2.4, 100, 2.4, 3),
                best.evaluation(150, 2.3, 150, 2.3, 3), best.completed(CompletionReason.MAX_STEPS, 150, 150, 2.3));
        for (long step = 10; step <= 60; step += 10) {
            publish(bootstrap, pruned.step(step));
        }
        publish(bootstrap, pruned.evaluation(50, 2.9, 50, 2.9, 3), pruned.pruned(50, 50, 2.9),
                pruned.completed(CompletionReason.PRUNED, 60, 50, 2.9));
        for (long step = 10; step <= 70; step += 10) {
            publish(bootstrap, running.step(step));
        }
        publish(bootstrap, running.evaluation(50, 2.55, 50, 2.55, 3));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertEquals("completed", given().when().get("/api/runs/" + pruned.runId).then().statusCode(200).extract().path("state"));
            assertEquals(70, (int) given().when().get("/api/runs/" + running.runId).then().statusCode(200).extract().path("step"));
        });

        String compare = dumpDom("compare.html?sweep=" + sweep);
        assertEquals(1, count(compare, "<circle [^>]*class=\"compare-pruned\" data-step=\"50\""), "the pruning point, on t1's curve");
        assertEquals(3 + 1 + 1, count(compare, "<circle [^>]*class=\"compare-(point|best|pruned)\""), "every trial's held-out points");
        assertTrue(compare.contains("<span data-summary=\"runs\">3 runs, 2 ended</span>"), "the sweep's runs: " + summary(compare));
        assertTrue(compare.contains("<span data-summary=\"pruned\">1 pruned by ASHA</span>"), summary(compare));
        assertTrue(compare.contains("<span data-summary=\"steps\">280 steps trained</span>"), summary(compare));
        assertTrue(compare.contains("<span data-summary=\"best\">best 2.300: t0 regularization.weight_decay=0.01</span>"), summary(compare));
        assertTrue(compare.matches("(?s).*<tr data-run-id=\"" + pruned.runId + "\">.*?<td>pruned</td></tr>.*"), "t1's row says pruned");
        assertTrue(compare.contains("class=\"state state-running\">running</span>"), "t2 still runs");
    }

    private static String summary(String dom) {
        Matcher m = Pattern.compile("<p id=\"compare-summary\"[^>]*>(.*?)</p>").matcher(dom);
        return m.find() ? m.group(1) : "(no summary)";
    }

    /** Loads the page in headless chromium and returns the DOM after its scripts ran. */
    private static String dumpDom(String page) throws IOException, InterruptedException {
        Path profile = Files.createTempDirectory("chromium-profile-");
        Path stderr = Files.createTempFile("chromium-", ".log");
        Path dom = Files.createTempFile("chromium-", ".html");
        try {
            Process chromium = new ProcessBuilder(List.of(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--user-data-dir=" + profile, "--virtual-time-budget=10000", "--dump-dom",
                    "http://localhost:" + RestAssured.port + "/" + page))
                    .redirectOutput(dom.toFile()).redirectError(stderr.toFile()).start();
            if (!chromium.waitFor(60, TimeUnit.SECONDS)) {
                chromium.destroyForcibly();
                fail("chromium did not finish " + page + " within 60 s; its log: " + Files.readString(stderr));
            }
            assertEquals(0, chromium.exitValue(), "chromium failed on " + page + ": " + Files.readString(stderr));
            return Files.readString(dom, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(stderr);
            Files.deleteIfExists(dom);
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int count(String text, String regex) {
        Matcher m = Pattern.compile(regex).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
