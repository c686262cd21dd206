package org.overfitguard.launcher.containers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.launcher.EventWatcher;
import org.overfitguard.launcher.Layout;
import org.overfitguard.launcher.RunTracker;

/**
 * The images really run (scripts/images-smoke.sh): the embedded broker, the four services as
 * containers of the images scripts/images.sh built, run as k8s/overlays/dev says (user, read-only
 * root, capabilities, volumes, environment, limits), then the default run (or the --spec file's)
 * with its trainer killed and started again, to its early stop; optionally the GPU trainer image
 * as k8s/overlays/prod runs it, on this machine without a GPU. Each step is printed; the first that fails ends it with exit 1
 * and the log of the container concerned.
 *
 * <pre>
 *   java -cp launcher/target/launcher.jar org.overfitguard.launcher.containers.ImagesSmoke \
 *       [--repo DIR] [--workdir DIR] [--spec FILE] [--gpu-image IMAGE]
 * </pre>
 */
public final class ImagesSmoke {

    private static final long RUN_MILLIS = Duration.ofMinutes(12).toMillis();
    private static final Pattern HEAP_MAX = Pattern.compile("^jvm_memory_max_bytes\\{[^}]*area=\"heap\"[^}]*} ([0-9.E+]+)", Pattern.MULTILINE);

    private final Path repo;
    private final Path workdir;
    private final String gpuImage;
    private final Path spec;
    private final Podman podman = Podman.fromEnvironment();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final long started = System.nanoTime();
    private int step;

    private ImagesSmoke(Path repo, Path workdir, String gpuImage, Path spec) {
        this.repo = repo;
        this.workdir = workdir;
        this.gpuImage = gpuImage;
        this.spec = spec;
    }

    public static void main(String[] args) {
        Path repo = Path.of(".");
        Path workdir = null;
        String gpu = null;
        Path spec = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repo" -> repo = Path.of(args[++i]);
                case "--workdir" -> workdir = Path.of(args[++i]);
                case "--gpu-image" -> gpu = args[++i];
                case "--spec" -> spec = Path.of(args[++i]).toAbsolutePath();
                default -> {
                    System.err.println("usage: ImagesSmoke [--repo DIR] [--workdir DIR] [--spec FILE] [--gpu-image IMAGE]; unknown " + args[i]);
                    System.exit(2);
                }
            }
        }
        repo = repo.toAbsolutePath().normalize();
        if (workdir == null) {
            workdir = repo.resolve(".ensemble").resolve("images-smoke-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        }
        try {
            new ImagesSmoke(repo, workdir.toAbsolutePath(), gpu, spec).run();
            System.exit(0);
        } catch (Exception e) {
            System.out.println("[smoke] FAILED: " + e.getMessage());
            System.exit(1);
        }
    }

    private void run() throws Exception {
        say("workdir " + workdir);
        step("render k8s/overlays/dev (kubectl kustomize)");
        RenderedManifests dev = RenderedManifests.render(repo.resolve("k8s/overlays/dev"));
        for (String s : Layout.SERVICES) {
            PodTemplate t = dev.deployment(s);
            say(String.format(Locale.ROOT, "  %-18s %s  user %d:%d  read-only root %s  drop %s  memory %s  mounts %s", s, t.image(),
                    t.runAsUser(), t.runAsGroup(), t.readOnlyRootFilesystem(), t.dropCapabilities(), t.memoryLimit(),
                    t.mounts().stream().map(m -> m.path() + (m.readOnly() ? " (ro)" : "")).toList()));
            if (!podman.imageExists(t.image())) {
                throw new IOException("no image " + t.image() + " here; build the images first: scripts/images.sh");
            }
        }
        try (ContainerEnsemble ensemble = new ContainerEnsemble(new Layout(repo), workdir, dev, podman, this::say)) {
            step("start the embedded broker and the four containers");
            say("  what stands in for the cluster: the broker's plaintext listener for KAFKA_* (SASL/TLS left out), the local"
                    + " token key for the OIDC issuer, 127.0.0.1 ports, host directories for volumes (see LocalBindings)");
            ensemble.start();
            ensemble.startupTimes().forEach((s, d) -> say(String.format(Locale.ROOT, "  %-18s ready in %.1f s", s, d.toMillis() / 1000.0)));

            step("each container runs as its manifest says");
            for (String s : Layout.SERVICES) {
                checkSecurity(ensemble, dev.deployment(s));
            }
            checkHeap(ensemble, dev.deployment("trainer-service"));
            checkMklDispatch(ensemble);

            try (EventWatcher watcher = new EventWatcher(ensemble.bootstrapServers())) {
                step(spec == null ? "submit the default run" : "submit the run " + repo.relativize(spec));
                String runId = ensemble.submitter().submit(spec == null ? "" : Files.readString(spec));
                RunTracker run = watcher.track(runId);
                say("  " + runId);

                step("kill the trainer container (SIGKILL) after the run's first checkpoint");
                awaitUntil(run, () -> !run.checkpoints().isEmpty(), "a first checkpoint");
                long at = run.steps().isEmpty() ? 0 : run.steps().get(run.steps().size() - 1).step();
                int exit = ensemble.kill("trainer-service");
                say("  killed near step " + at + ", exit code " + exit);
                if (exit != 137) {
                    throw new IOException("the trainer's exit code was " + exit + ", not 137 (SIGKILL)");
                }

                step("start the trainer container again: the run resumes from its last checkpoint");
                Duration back = ensemble.startService("trainer-service");
                awaitUntil(run, () -> run.starts().size() >= 2, "the run started again");
                long resumed = run.starts().get(run.starts().size() - 1).resumedFromStep();
                say(String.format(Locale.ROOT, "  ready again in %.1f s; resumed from step %d", back.toMillis() / 1000.0, resumed));
                if (resumed <= 0) {
                    throw new IOException("the run started over (resumed from step " + resumed + ") instead of resuming");
                }

                step("the run to its early stop");
                if (!run.awaitFinished(RUN_MILLIS)) {
                    throw new IOException("the run did not finish within " + RUN_MILLIS / 60_000 + " min");
                }
                RunCompleted done = run.completed();
                if (done == null) {
                    throw new IOException("the run failed: " + run.failed());
                }
                say(String.format(Locale.ROOT, "  %s after %d steps; best held-out %.4f at step %d", done.reason().name().toLowerCase(Locale.ROOT),
                        done.steps(), done.bestHeldOutLoss(), done.bestStep()));
                if (done.reason() != CompletionReason.PATIENCE_EXHAUSTED) {
                    throw new IOException("the run ended by " + done.reason() + ", not by early stopping");
                }
                Path model = ensemble.hostPath("trainer-service", done.finalModelPath());
                if (!Files.isRegularFile(model.resolve("MANIFEST.sha256"))) {
                    throw new IOException("no final model at " + model);
                }
                say("  final model " + done.finalModelPath() + " (on the host: " + model + ")");

                step("kill and start the trainer once more: the finished run is still known");
                ensemble.kill("trainer-service");
                ensemble.startService("trainer-service");
                String status = Json.mapper().readTree(get(ensemble.url("trainer-service", "/runs/" + runId))).path("status").asText();
                say("  GET /runs/" + runId + ": status " + status);
                if (!status.equals("completed")) {
                    throw new IOException("after a restart the run's status is " + status + ", not completed");
                }
            }
            if (gpuImage != null) {
                gpuWithoutAGpu(ensemble);
            }
        } catch (Exception e) {
            say("the containers' logs are in " + workdir.resolve("logs"));
            throw e;
        }
        say(String.format(Locale.ROOT, "passed in %.0f s", (System.nanoTime() - started) / 1e9));
    }

    /** User, capabilities, privilege escalation and the read-only root, read from inside the container. */
    private void checkSecurity(ContainerEnsemble ensemble, PodTemplate t) throws IOException {
        String status = ensemble.exec(t.service(), "cat", "/proc/1/status").out();
        String uid = field(status, "Uid");
        String caps = field(status, "CapEff");
        String noNewPrivs = field(status, "NoNewPrivs");
        boolean rootWritable = ensemble.exec(t.service(), "sh", "-c", "touch /deployments/.probe").exitCode() == 0;
        boolean tmpWritable = ensemble.exec(t.service(), "sh", "-c", "touch /tmp/.probe && rm /tmp/.probe").exitCode() == 0;
        say(String.format(Locale.ROOT, "  %-18s uid %s, CapEff %s, NoNewPrivs %s, root filesystem %s, /tmp %s", t.service(),
                uid.split("\\s+")[0], caps, noNewPrivs, rootWritable ? "writable" : "read-only", tmpWritable ? "writable" : "read-only"));
        List<String> problems = new ArrayList<>();
        if (!uid.split("\\s+")[0].equals(String.valueOf(t.runAsUser()))) {
            problems.add("runs as uid " + uid + ", not " + t.runAsUser());
        }
        if (t.dropCapabilities().contains("ALL") && !caps.matches("0+")) {
            problems.add("has capabilities " + caps + " although the manifest drops ALL");
        }
        if (!t.allowPrivilegeEscalation() && !noNewPrivs.equals("1")) {
            problems.add("may gain privileges (NoNewPrivs " + noNewPrivs + ")");
        }
        if (t.readOnlyRootFilesystem() == rootWritable) {
            problems.add("root filesystem is " + (rootWritable ? "writable" : "read-only") + " against the manifest");
        }
        if (!tmpWritable) {
            problems.add("cannot write /tmp");
        }
        if (!problems.isEmpty()) {
            throw new IOException(t.service() + ": " + String.join("; ", problems));
        }
    }

    /** The image preloads MKL's feature dispatch: the trainer and the evaluator say it is preloaded, on any x86 CPU. */
    private void checkMklDispatch(ContainerEnsemble ensemble) throws IOException {
        for (String s : List.of("trainer-service", "evaluator-service")) {
            String line = ensemble.logs(s).lines().filter(l -> l.contains("matrix products:")).findFirst()
                    .orElseThrow(() -> new IOException(s + " did not log how MKL chooses its kernels (\"matrix products: ...\")"));
            String said = line.substring(line.indexOf("matrix products:"));
            say(String.format(Locale.ROOT, "  %-18s %s", s, said));
            if (!said.contains("libmkl-feature-dispatch.so preloaded")) {
                throw new IOException(s + " has not preloaded MKL's dispatch shim: the image's LD_PRELOAD did not take");
            }
        }
    }

    /** The JVM's heap comes from the container's memory limit (the manifests' MaxRAMPercentage of it). */
    private void checkHeap(ContainerEnsemble ensemble, PodTemplate t) throws IOException {
        String metrics = get(ensemble.url(t.service(), "/q/metrics"));
        Matcher m = HEAP_MAX.matcher(metrics);
        double heap = 0;
        while (m.find()) {
            double v = Double.parseDouble(m.group(1));
            heap += v > 0 ? v : 0;
        }
        long limit = PodmanCommand.bytes(t.memoryLimit());
        double share = heap / limit;
        say(String.format(Locale.ROOT, "  %s heap at most %.0f MiB of its %s memory limit (%.0f %%)", t.service(), heap / (1 << 20),
                t.memoryLimit(), 100 * share));
        if (share < 0.3 || share > 0.8) {
            throw new IOException(t.service() + "'s heap (" + (long) heap + " bytes) is not derived from its memory limit " + t.memoryLimit());
        }
    }

    /** The GPU image, run as k8s/overlays/prod's trainer, on a machine without a GPU: it must say so and stop. */
    private void gpuWithoutAGpu(ContainerEnsemble ensemble) throws IOException {
        step("the GPU trainer image, as k8s/overlays/prod runs it, on this machine without a GPU");
        RenderedManifests prod = RenderedManifests.render(repo.resolve("k8s/overlays/prod"));
        PodTemplate t = prod.deployment("trainer-service").withImage(gpuImage);
        say("  image " + gpuImage + ", TRAINER_DEVICE " + t.envValue("TRAINER_DEVICE").orElse("(unset)"));
        String name = PodmanCommand.containerName("trainer-service-gpu");
        podman.run(List.of("rm", "--force", name), Duration.ofMinutes(1));
        podman.ok(PodmanCommand.create(t, name, prod.configMaps(), ensemble.bindings()).toArray(String[]::new));
        try {
            podman.ok("start", name);
            Podman.Result waited = podman.run(List.of("wait", name), Duration.ofMinutes(3));
            Podman.Result logs = podman.run(List.of("logs", name), Duration.ofMinutes(1));
            String log = logs.out() + "\n" + logs.err(); // podman logs replays the container's stdout and stderr apart
            String engine = log.lines().filter(l -> l.contains("PyTorch engine:")).findFirst().orElse("");
            String reason = log.lines().filter(l -> l.contains("no NVIDIA GPU is visible")).findFirst().orElse("");
            say("  exit " + waited.out() + "; " + engine.replaceFirst("^.*PyTorch engine:", "PyTorch engine:"));
            say("  " + reason.replaceFirst("^.*?(device gpu was asked for)", "$1"));
            if (waited.out().equals("0") || !engine.contains("flavour cu128 (PYTORCH_FLAVOR)") || reason.isEmpty()) {
                throw new IOException("the GPU trainer did not fail with the reason; its log ends:\n" + ContainerEnsemble.tail(log, 30));
            }
        } finally {
            podman.run(List.of("rm", "--force", name), Duration.ofMinutes(1));
        }
    }

    private static String field(String status, String name) {
        return status.lines().filter(l -> l.startsWith(name + ":")).map(l -> l.substring(name.length() + 1).trim()).findFirst().orElse("?");
    }

    private String get(URI uri) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new IOException("GET " + uri + " answered " + r.statusCode());
            }
            return r.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private interface Condition {
        boolean holds();
    }

    private static void awaitUntil(RunTracker run, Condition condition, String what) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + RUN_MILLIS;
        while (!condition.holds()) {
            if (run.finished()) {
                throw new IOException("the run ended before " + what + ": " + (run.failed() != null ? run.failed() : run.completed()));
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IOException("no " + what + " within " + RUN_MILLIS / 60_000 + " min");
            }
            run.awaitChange(1_000);
        }
    }

    private void step(String what) {
        say(String.format(Locale.ROOT, "step %d (%.0f s): %s", ++step, (System.nanoTime() - started) / 1e9, what));
    }

    private void say(String line) {
        System.out.println("[smoke] " + line);
    }
}
