package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The short chaos soak of CI: at least 5 tiny runs and 5 SIGKILLs of random components (services
 * and the broker), supervised as in Kubernetes. No run may be stuck, fail, or report a loss that
 * differs from the uninterrupted run's. scripts/chaos-soak.sh runs the long one (100 runs).
 */
class ChaosSoakTest {

    @Test
    void tinyRunsSurviveRandomKillsWithTheSameLosses() throws Exception {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path workdir = Files.createTempDirectory("chaos-ensemble-");
        long seed = Long.getLong("chaos.seed", System.nanoTime());
        System.out.println("[chaos] seed " + seed + " (-Dchaos.seed=" + seed + " repeats the kill schedule)");
        ChaosSoak.Figures f;
        try (LocalEnsemble ensemble = new LocalEnsemble(new Layout(repo), workdir, LocalEnsemble.Ports.free(),
                Files.createDirectories(workdir.resolve("data")), line -> System.out.println("[supervisor] " + line))) {
            ensemble.start();
            f = new ChaosSoak(ensemble, System.out, seed, ChaosSoak.KillSpacing.ONE_CYCLE).soak(5, 5);
        }
        f.print(System.out);
        assertTrue(f.runs() >= 5 && f.kills() >= 5, "at least 5 runs and 5 kills: " + f);
        assertEquals(0, f.stuck(), "stuck runs; logs in " + workdir);
        assertEquals(0, f.failed(), "failed runs; logs in " + workdir);
        assertEquals(0, f.differing(), "runs whose losses differ; logs in " + workdir);
        assertEquals(0, f.missingReports(), "step reports lost; logs in " + workdir);
    }
}
