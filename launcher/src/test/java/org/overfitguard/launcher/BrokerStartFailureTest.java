package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real broker jar started by the launcher on a port another process holds (two ensembles racing
 * for a free port): the launcher reports the broker's exit at once instead of waiting out its
 * 180 s ready timeout.
 */
class BrokerStartFailureTest {

    @TempDir
    Path workdir;

    @Test
    @Timeout(120) // well below the 180 s ready timeout: the failure must come from the broker's exit
    void aBrokerPortTakenFailsTheStartWithTheBrokersExit() throws Exception {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            LocalEnsemble.Ports free = LocalEnsemble.Ports.free();
            LocalEnsemble.Ports ports = new LocalEnsemble.Ports(taken.getLocalPort(), free.data(), free.trainer(), free.evaluator(),
                    free.monitor());
            try (LocalEnsemble ensemble = new LocalEnsemble(new Layout(repo), workdir, ports, Files.createDirectories(workdir.resolve("data")),
                    line -> {
                    })) {
                IOException e = assertThrows(IOException.class, ensemble::startBroker);
                assertTrue(e.getMessage().contains("kafka exited with code 1 before it was ready"), e.getMessage());
                assertTrue(e.getMessage().contains(workdir.resolve("logs").resolve("kafka.log").toString()), e.getMessage());
                assertFalse(e.getMessage().contains("did not become ready within"), e.getMessage());
            }
            assertTrue(Files.readString(workdir.resolve("logs").resolve("kafka.log")).contains("the broker could not start"));
        }
    }
}
