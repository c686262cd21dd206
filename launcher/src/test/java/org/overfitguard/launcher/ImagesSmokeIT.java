package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * scripts/images-smoke.sh as CI runs it, after the jars are packaged: the four images built and run
 * as the manifests say, the default run through a SIGKILL of the trainer container to its early
 * stop (the end-to-end tests' overfitting run, a few times faster than the default), the GPU image refusing to start without a GPU. Where podman is not installed it is skipped
 * with that reason (scripts/install-test-tools.sh installs it).
 */
class ImagesSmokeIT {

    @Test
    void theImagesRunTheEnsembleAsTheManifestsSay() throws Exception {
        assumeTrue(onPath("podman"), "podman is not installed; scripts/install-test-tools.sh installs it with runc");
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path workdir = Files.createTempDirectory("images-smoke-");
        Process p = new ProcessBuilder("scripts/images-smoke.sh", "--spec", "launcher/src/test/resources/e2e/overfit.yaml",
                "--workdir", workdir.toString())
                .directory(repo.toFile()).redirectErrorStream(true).start();
        StringBuilder out = new StringBuilder();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                System.out.println(line);
                out.append(line).append('\n');
            }
        }
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the script ended its output but not its process");
        String text = out.toString();
        assertEquals(0, p.exitValue(), "scripts/images-smoke.sh failed; logs under " + workdir);
        assertTrue(text.contains("root filesystem read-only") && text.contains("CapEff 0000000000000000"), "the security checks ran");
        assertTrue(text.contains("exit code 137") && text.matches("(?s).*resumed from step [1-9]\\d*.*"), "the trainer was killed and resumed");
        assertTrue(text.contains("patience_exhausted after"), "the default run stopped early");
        assertTrue(text.contains("no NVIDIA GPU is visible"), "the GPU image said why it did not start");
        assertTrue(text.contains("[smoke] passed in"));
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }
}
