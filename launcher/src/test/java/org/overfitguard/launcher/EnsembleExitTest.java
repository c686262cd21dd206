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
 * A process driving a local ensemble (TuningBenchmark, ChaosSoak, ./ensemble, a test) that is told
 * to exit with SIGTERM before it closes the ensemble, or is killed with SIGKILL: its broker and
 * services must not outlive it.
 */
class EnsembleExitTest {

    @TempDir
    Path workdir;

    @Test
    @Timeout(150)
    void aDriverToldToExitStopsTheBrokerItStarted() throws Exception {
        driverDies(false);
    }

    /**
     * The driver SIGKILLed (no exit hook runs): the broker and the services it started end with it, since
     * each reads a pipe from the driver on standard input and stops when it ends. Before, they ran on
     * as orphans.
     */
    @Test
    @Timeout(240)
    void aDriverKilledWithSigkillTakesTheBrokerAndItsServicesAlong() throws Exception {
        driverDies(true);
    }

    private void driverDies(boolean sigkill) throws Exception {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path log = workdir.resolve("driver.log");
        List<String> command = new java.util.ArrayList<>(List.of(Layout.java().toString(), "-cp", System.getProperty("java.class.path"),
                BrokerOnlyEnsemble.class.getName(), repo.toString(), workdir.resolve("ensemble").toString()));
        if (sigkill) { // one service through messaging's lifeline, monitor-service through its own
            command.addAll(List.of("data-service", "monitor-service"));
        }
        Process driver = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        List<ProcessHandle> children = List.of();
        try {
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(200))
                    .until(() -> !driver.isAlive() || Files.readString(log).contains("broker ready"));
            assertTrue(driver.isAlive(), () -> "the driver exited early: " + read(log));
            children = driver.descendants().toList();
            assertFalse(children.isEmpty(), "the broker runs as the driver's child");
            assertTrue(!sigkill || children.stream().filter(h -> h.parent().map(p -> p.pid() == driver.pid()).orElse(false)).count() >= 3,
                    "the broker and the two services: " + children);

            if (sigkill) {
                driver.destroyForcibly();
            } else {
                driver.destroy(); // SIGTERM
            }
            assertTrue(driver.waitFor(60, TimeUnit.SECONDS), "the driver exits");
            List<ProcessHandle> started = children;
            await().atMost(Duration.ofSeconds(60)).until(() -> started.stream().noneMatch(ProcessHandle::isAlive));
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
