package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child processes (/bin/sh): waiting for a ready line, and failing at once when the child exits without it. */
class ManagedProcessTest {

    private static final Duration LONG = Duration.ofMinutes(10); // never reached: each case ends by output or exit

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void returnsTheReadyLineAndLogsEverything() throws Exception {
        ManagedProcess p = shell("echo starting; echo 'ready on port 1234'; exec sleep 600");
        try {
            assertEquals("ready on port 1234", p.startAndAwaitLine(line -> line.startsWith("ready"), LONG));
            assertTrue(p.alive());
        } finally {
            p.stop(Duration.ofSeconds(5));
        }
        assertEquals(List.of("starting", "ready on port 1234"), Files.readAllLines(dir.resolve("p.log")));
    }

    @Test
    @Timeout(60)
    void aChildThatExitsBeforeItIsReadyFailsTheWaitWithItsExitCode() {
        ManagedProcess p = shell("echo 'Address already in use' >&2; exit 3");
        IOException e = assertThrows(IOException.class, () -> p.startAndAwaitLine(line -> line.startsWith("ready"), LONG));
        assertTrue(e.getMessage().contains("p exited with code 3 before it was ready"), e.getMessage());
        assertTrue(e.getMessage().contains(dir.resolve("p.log").toString()), e.getMessage());
        assertEquals(3, p.exitCode());
    }

    @Test
    @Timeout(60)
    void theEndOfAnEarlierLifeDoesNotFailTheWaitOfTheNext() throws Exception {
        Path marker = dir.resolve("second-life");
        Path go = dir.resolve("go");
        // First life: writes the marker, says so, and exits, but a background child keeps its output open
        // until the file "go" exists, then removes it and closes the output. Second life: creates "go",
        // waits until it is gone (the first life's output has ended while this life's wait is open), then
        // prints ready. The second life starts only once the first said its marker is written: started
        // before, it took the first life's branch too and exited (the race CI once caught).
        ManagedProcess p = shell("if [ -e " + marker + " ]; then touch " + go + "; while [ -e " + go + " ]; do sleep 0.05; done;"
                + " sleep 1; echo ready; exec sleep 600;"
                + " else touch " + marker + "; echo first; ( while [ ! -e " + go + " ]; do sleep 0.05; done; rm " + go + " ) & exit 0; fi");
        assertEquals("first", p.startAndAwaitLine("first"::equals, LONG));
        assertTrue(Files.exists(marker));
        try {
            assertEquals("ready", p.startAndAwaitLine("ready"::equals, LONG));
        } finally {
            p.stop(Duration.ofSeconds(5));
        }
    }

    private ManagedProcess shell(String script) {
        return new ManagedProcess("p", List.of("/bin/sh", "-c", script), Map.of(), dir.resolve("p.log"));
    }
}
