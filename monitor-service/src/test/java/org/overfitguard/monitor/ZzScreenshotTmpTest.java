package org.overfitguard.monitor;

import static org.overfitguard.monitor.SampleRun.publish;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.kafka.KafkaBrokerResource;

@QuarkusTest
@QuarkusTestResource(KafkaBrokerResource.class)
class ZzScreenshotTmpTest {
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    @Test
    void shots() throws Exception {
        for (int v = 0; v < 3; v++) {
            SampleRun run = new SampleRun("shot" + v);
            publish(bootstrap, run.requested("sweep-x", List.of("all", "no-dropout", "no-weight-decay").get(v)), run.started(), run.dataset());
            for (long s = 10; s <= 600; s += 10) publish(bootstrap, run.step(s));
            long best = 0; double bestV = 99; int pat = 3;
            for (long s = 50; s <= 600; s += 50) {
                double h = 2.0 + Math.pow((s - 250 - v * 60) / 300.0, 2) + 0.1 * v;
                if (h < bestV) { bestV = h; best = s; pat = 3; } else { pat--; }
                publish(bootstrap, run.evaluation(s, h, best, bestV, Math.max(pat, 0)));
                if (pat <= 0 && v == 0) { publish(bootstrap, run.stop(s, best, bestV), run.completed(s, best, bestV)); break; }
            }
        }
        Thread.sleep(4000);
        var runs = RestAssured.given().get("/api/runs").jsonPath().getList("run_id", String.class);
        for (String page : List.of("index.html", "run.html?id=" + runs.get(runs.size() - 1), "compare.html?sweep=sweep-x")) {
            Path out = Path.of("/tmp/shot-" + page.replaceAll("[^a-z]", "").substring(0, 5) + ".png");
            Path prof = Files.createTempDirectory("p");
            new ProcessBuilder("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=" + prof,
                    "--virtual-time-budget=5000", "--window-size=1280,1700", "--screenshot=" + out,
                    "http://localhost:" + RestAssured.port + "/" + page).inheritIO().start().waitFor();
        }
        Files.writeString(Path.of("/tmp/metrics.txt"), MonitorServiceTest.metricsText());
    }
}
