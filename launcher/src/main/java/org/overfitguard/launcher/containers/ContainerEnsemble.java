package org.overfitguard.launcher.containers;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.overfitguard.launcher.InParallel;
import org.overfitguard.launcher.Layout;
import org.overfitguard.launcher.LocalEnsemble;
import org.overfitguard.launcher.RunSubmitter;

/**
 * The ensemble with the services as containers of their images: the embedded broker as
 * {@code ./ensemble} runs it, and each Deployment of the rendered manifests as a podman container
 * ({@link PodmanCommand}). Containers are killed and started again as a kubelet would restart them:
 * the same container, its volumes kept.
 */
public final class ContainerEnsemble implements AutoCloseable {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);

    private final RenderedManifests manifests;
    private final Podman podman;
    private final Path workdir;
    private final LocalEnsemble broker;
    private final LocalBindings bindings;
    private final Consumer<String> say;
    private final Map<String, Duration> startup = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public ContainerEnsemble(Layout layout, Path workdir, RenderedManifests manifests, Podman podman, Consumer<String> say) {
        this.manifests = manifests;
        this.podman = podman;
        this.workdir = workdir.toAbsolutePath();
        this.say = say;
        LocalEnsemble.Ports ports = LocalEnsemble.Ports.free();
        this.broker = new LocalEnsemble(layout, this.workdir, ports, this.workdir.resolve("data"), say);
        Map<String, Integer> http = new LinkedHashMap<>();
        for (String s : Layout.SERVICES) {
            http.put(s, ports.of(s));
        }
        this.bindings = new LocalBindings(broker.bootstrapServers(), http, this.workdir.resolve("volumes"),
                broker.access().publicKey(), ulimits());
    }

    public LocalBindings bindings() {
        return bindings;
    }

    /** The podman arguments of {@code service}'s container. */
    public List<String> createArguments(String service) {
        return PodmanCommand.create(manifests.deployment(service), manifests.configMaps(), bindings);
    }

    /** Starts the broker, creates the four containers and starts them together; returns once all are ready. */
    public void start() throws IOException {
        broker.start(List.of());
        for (String s : Layout.SERVICES) {
            podman.run(List.of("rm", "--force", PodmanCommand.containerName(s)), Duration.ofMinutes(1));
            for (Path dir : PodmanCommand.hostDirectories(manifests.deployment(s), bindings)) {
                ownedDirectory(dir, manifests.deployment(s));
            }
            podman.ok(createArguments(s).toArray(String[]::new));
        }
        InParallel.forEach(Layout.SERVICES, "the containers did not start", this::startService);
    }

    /** Starts {@code service}'s container (again) and waits until its readiness probe answers 200. */
    public Duration startService(String service) throws IOException {
        long t0 = System.nanoTime();
        podman.ok("start", PodmanCommand.containerName(service));
        awaitReady(service);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);
        synchronized (startup) {
            startup.put(service, took);
        }
        return took;
    }

    /** SIGKILL to the container's process 1 (the JVM): it dies wherever it is. Returns the exit code podman saw. */
    public int kill(String service) throws IOException {
        String name = PodmanCommand.containerName(service);
        podman.ok("kill", "--signal", "KILL", name);
        podman.ok("wait", name);
        return Integer.parseInt(podman.inspect(name, "{{.State.ExitCode}}"));
    }

    /** Runs a command in the running container, as its user. */
    public Podman.Result exec(String service, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of("exec", PodmanCommand.containerName(service)));
        args.addAll(List.of(command));
        return podman.run(args, Duration.ofMinutes(1));
    }

    public String logs(String service) throws IOException {
        Podman.Result r = podman.run(List.of("logs", PodmanCommand.containerName(service)), Duration.ofMinutes(1));
        return r.out() + (r.err().isEmpty() ? "" : "\n" + r.err());
    }

    /** How long the last start of each service took to ready. */
    public Map<String, Duration> startupTimes() {
        synchronized (startup) {
            return Map.copyOf(startup);
        }
    }

    public RunSubmitter submitter() {
        return broker.submitter();
    }

    public String bootstrapServers() {
        return broker.bootstrapServers();
    }

    public URI url(String service, String path) {
        return broker.url(service, path);
    }

    /** The host path behind a container path of {@code service} (e.g. /checkpoints/run-x/final). */
    public Path hostPath(String service, String containerPath) {
        for (PodTemplate.Mount m : manifests.deployment(service).mounts()) {
            if (containerPath.equals(m.path()) || containerPath.startsWith(m.path() + "/")) {
                return bindings.hostPath(service, m).resolve(containerPath.substring(m.path().length()).replaceFirst("^/", ""));
            }
        }
        throw new IllegalArgumentException(containerPath + " is on no volume of " + service);
    }

    private void awaitReady(String service) throws IOException {
        URI health = url(service, manifests.deployment(service).readinessPath());
        String name = PodmanCommand.containerName(service);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!"true".equals(podman.inspect(name, "{{.State.Running}}"))) {
                throw new IOException(service + " exited while starting (exit " + podman.inspect(name, "{{.State.ExitCode}}")
                        + "); its log ends:\n" + tail(logs(service), 30));
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            try {
                Thread.sleep(250); // polling a probe, as the kubelet does
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }
        throw new IOException(service + " not ready within " + READY_TIMEOUT.toSeconds() + " s; its log ends:\n" + tail(logs(service), 30));
    }

    /** A host directory for a volume, owned by the pod's user and fsGroup (as the kubelet prepares one). */
    private void ownedDirectory(Path dir, PodTemplate t) throws IOException {
        Files.createDirectories(dir);
        long gid = t.fsGroup() != null ? t.fsGroup() : t.runAsGroup();
        if ("root".equals(System.getProperty("user.name"))) {
            Files.setAttribute(dir, "unix:uid", (int) t.runAsUser());
            Files.setAttribute(dir, "unix:gid", (int) gid);
        } else {
            podman.ok("unshare", "chown", t.runAsUser() + ":" + gid, dir.toString());
        }
    }

    static String tail(String text, int lines) {
        String[] all = text.split("\n");
        return String.join("\n", java.util.Arrays.copyOfRange(all, Math.max(0, all.length - lines), all.length));
    }

    /** podman's default rlimits for root exceed what some sandboxes allow: this process's open files, 16384 processes. */
    private static List<String> ulimits() {
        String configured = System.getenv("CONTAINER_ULIMITS");
        if (configured != null) {
            return configured.isBlank() ? List.of() : List.of(configured.trim().split("\\s+"));
        }
        long files = 20_000;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    files = Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
                }
            }
        } catch (IOException | NumberFormatException e) {
            // keep the default
        }
        return List.of("nofile=" + files + ":" + files, "nproc=16384:16384");
    }

    /** Saves each container's log under {@code <workdir>/logs}, removes the containers, stops the broker. */
    @Override
    public void close() {
        for (String s : Layout.SERVICES) {
            try {
                Path log = workdir.resolve("logs").resolve(s + ".log");
                Files.createDirectories(log.getParent());
                Files.writeString(log, logs(s));
                podman.run(List.of("rm", "--force", "--time", "20", PodmanCommand.containerName(s)), Duration.ofMinutes(1));
            } catch (IOException e) {
                say.accept("could not remove the container of " + s + ": " + e.getMessage());
            }
        }
        broker.close();
    }
}
