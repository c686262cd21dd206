package org.overfitguard.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A component frozen with SIGSTOP is alive and answers nothing (and SIGTERM waits until it is
 * continued): the supervisor must see that it is not live and replace it, as it replaces a dead one.
 * Real processes: the broker and monitor-service, each frozen in turn.
 */
class FrozenComponentTest {

    @TempDir
    Path workdir;

    @Test
    @Timeout(360)
    void aFrozenServiceAndAFrozenBrokerAreReplacedAsDeadOnesAre() throws Exception {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        try (LocalEnsemble ensemble = new LocalEnsemble(new Layout(repo), workdir, LocalEnsemble.Ports.free(),
                Files.createDirectories(workdir.resolve("data")), line -> System.out.println("[supervisor] " + line))) {
            ensemble.start(List.of("monitor-service"));
            for (String component : List.of("monitor-service", "kafka")) {
                long frozen = ensemble.pid(component);
                ensemble.freeze(component);
                await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() -> ensemble.incidents().stream()
                        .anyMatch(i -> i.component().equals(component) && i.readyAgain() != null));
                assertNotEquals(frozen, ensemble.pid(component), component + " was replaced");
                assertEquals(false, ProcessHandle.of(frozen).map(ProcessHandle::isAlive).orElse(false), "the frozen one is gone");
            }
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", ensemble.bootstrapServers()))) {
                assertEquals(1, admin.describeCluster().nodes().get().size(), "the new broker answers");
            }
            await().atMost(Duration.ofSeconds(60)).until(() -> live(ensemble.url("monitor-service", "/q/health/live")));
        }
    }

    private static boolean live(URI uri) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (Exception e) {
            return false;
        }
    }
}
