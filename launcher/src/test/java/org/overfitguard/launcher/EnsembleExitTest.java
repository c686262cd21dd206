package org.overfitguard.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A process driving a local ensemble (TuningBenchmark, ChaosSoak, a test) that is told to exit
 * with SIGTERM before it closes the ensemble: its broker must not outlive it.
 */
class EnsembleExitTest {

    @TempDir
    Path workdir;

    @Test
    @Timeout(150)
    void aDriverToldToExitStopsTheBrokerItStarted() throws Exception {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path log = workdir.resolve("driver.log");
        Process driver = new ProcessBuilder(Layout.java().toString(), "-cp", System.getProperty("java.class.path"),
                BrokerOnlyEnsemble.class.getName(), repo.toString(), workdir.resolve("ensemble").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<ProcessHandle> children = List.of();
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !driver.isAlive() || Files.readString(log).contains("broker ready"));
            assertTrue(driver.isAlive(), () -> "the driver exited early: " + read(log));
            children = driver.descendants().toList();
            assertFalse(children.isEmpty(), "the broker runs as the driver's child");

            driver.destroy(); // SIGTERM
            assertTrue(driver.waitFor(60, TimeUnit.SECONDS), "the driver exits");
            List<ProcessHandle> started = children;
            await().atMost(Duration.ofSeconds(30)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            children.forEach(ProcessHandle::destroyForcibly); // a failed run must not leave its broker behind
            driver.descendants().forEach(ProcessHandle::destroyForcibly);
            driver.destroyForcibly();
        }
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }
}
