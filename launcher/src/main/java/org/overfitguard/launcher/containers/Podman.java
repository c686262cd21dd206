package org.overfitguard.launcher.containers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line: $PODMAN (default podman) with the OCI runtime $PODMAN_RUNTIME (default
 * runc; empty for podman's own choice; crun cannot set rlimits in some sandboxes).
 */
public final class Podman {

    /** What a podman command printed, and how it ended. */
    public record Result(int exitCode, String out, String err) {
    }

    private final List<String> command;

    private Podman(List<String> command) {
        this.command = List.copyOf(command);
    }

    public static Podman fromEnvironment() {
        List<String> c = new ArrayList<>(List.of(System.getenv().getOrDefault("PODMAN", "podman")));
        String runtime = System.getenv().getOrDefault("PODMAN_RUNTIME", "runc");
        if (!runtime.isBlank()) {
            c.addAll(List.of("--runtime", runtime));
        }
        return new Podman(c);
    }

    /** Runs {@code podman args...}; whatever the exit code. */
    public Result run(List<String> args, Duration timeout) throws IOException {
        List<String> full = new ArrayList<>(command);
        full.addAll(args);
        Path out = Files.createTempFile("podman-", ".out");
        Path err = Files.createTempFile("podman-", ".err");
        try {
            Process p = new ProcessBuilder(full).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new IOException("podman " + String.join(" ", args.subList(0, Math.min(2, args.size())))
                        + " did not finish within " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8).strip(),
                    Files.readString(err, StandardCharsets.UTF_8).strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** Runs {@code podman args...} and returns its output; fails with podman's own message on a non-zero exit. */
    public String ok(String... args) throws IOException {
        Result r = run(List.of(args), Duration.ofMinutes(2));
        if (r.exitCode() != 0) {
            throw new IOException("podman " + args[0] + " " + (args.length > 1 ? args[1] : "") + " failed (exit "
                    + r.exitCode() + "): " + r.err());
        }
        return r.out();
    }

    public boolean imageExists(String image) throws IOException {
        return run(List.of("image", "exists", image), Duration.ofSeconds(30)).exitCode() == 0;
    }

    /** A field of {@code podman inspect} (a Go template such as {{.State.ExitCode}}). */
    public String inspect(String container, String template) throws IOException {
        return ok("inspect", "--format", template, container);
    }
}
