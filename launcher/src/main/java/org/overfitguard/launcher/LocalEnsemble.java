package org.overfitguard.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.overfitguard.contracts.Topics;

/**
 * The whole system on one machine: the embedded Kafka broker and the four service jars, each its
 * own process, with logs under {@code <workdir>/logs}. Every process is supervised as Kubernetes
 * would ({@link ProcessSupervisor}): one that dies, or stops being live, is started again. The
 * services listen on 127.0.0.1 only, and trainer-service takes writes only with the token of
 * {@link LocalAccess}. Components can also be killed and restarted one by one on purpose, which is
 * what the end-to-end fault tests do.
 */
public final class LocalEnsemble implements AutoCloseable {

    /** Ports of the broker and of the services' HTTP servers. */
    public record Ports(int kafka, int data, int trainer, int evaluator, int monitor) {

        public static Ports defaults() {
            return new Ports(9092, 8082, 8081, 8083, 8084);
        }

        /** One free port (for an extra trainer replica; the kernel may hand it out again before it is bound, rarely). */
        static int freePort() {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** Five distinct free ports: all held open while they are picked, so the kernel cannot hand one out twice. */
        public static Ports free() {
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    held.add(new ServerSocket(0));
                }
                return new Ports(held.get(0).getLocalPort(), held.get(1).getLocalPort(), held.get(2).getLocalPort(),
                        held.get(3).getLocalPort(), held.get(4).getLocalPort());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                for (ServerSocket s : held) {
                    try {
                        s.close();
                    } catch (IOException ignored) {
                        // a port we only looked at
                    }
                }
            }
        }

        public int of(String service) {
            return switch (service) {
                case "data-service" -> data;
                case "trainer-service" -> trainer;
                case "evaluator-service" -> evaluator;
                case "monitor-service" -> monitor;
                default -> throw new IllegalArgumentException("no service " + service);
            };
        }
    }

    /**
     * glibc's mmap and trim thresholds pinned, as lm's MemoryEstimate.ALLOCATOR_ENVIRONMENT assumes:
     * steady native peaks, and per-step temporaries reused from the heap (at a 128 KiB threshold the
     * trainer ran at 0.46 x the speed).
     */
    static final Map<String, String> ALLOCATOR = Map.of("MALLOC_MMAP_THRESHOLD_", "4194304", "MALLOC_TRIM_THRESHOLD_", "67108864");
    /**
     * Extra options for every JVM the ensemble starts (broker and services), from the system property
     * {@code overfitguard.jvm-options}, split on whitespace. The test suite sets the C1 compiler only
     * and the serial collector there: its processes live for seconds to minutes on 2 cores, where C2's
     * compile threads and G1's workers took a third of the CPU the tests had.
     */
    static final List<String> JVM_OPTIONS = jvmOptions(System.getProperty("overfitguard.jvm-options", ""));
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(180);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final Layout layout;
    private final Path workdir;
    private final Ports ports;
    private final Path dataRoot;
    private Path corpusStore;
    private final Map<String, ManagedProcess> services = new LinkedHashMap<>();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final LocalAccess access = LocalAccess.create();
    private final ProcessSupervisor supervisor;
    /** Stops the children when this JVM is told to exit (SIGTERM, Ctrl-C) before close: no orphaned broker or trainers. */
    private final Thread exitHook = new Thread(this::close, "local-ensemble-exit");
    private boolean closed;
    /** The extra trainer replicas (trainer-service-1, ...) and their HTTP ports. */
    private final Map<String, Integer> extraTrainers = new LinkedHashMap<>();
    private int trainers = 1;
    private ManagedProcess broker;

    /** {@code say}: where the supervisor reports deaths and restarts (the terminal). */
    public LocalEnsemble(Layout layout, Path workdir, Ports ports, Path dataRoot, Consumer<String> say) {
        this.layout = layout;
        this.workdir = workdir.toAbsolutePath();
        this.ports = ports;
        this.dataRoot = dataRoot.toAbsolutePath();
        this.supervisor = new ProcessSupervisor(say);
    }

    public LocalEnsemble(Layout layout, Path workdir, Ports ports, Path dataRoot) {
        this(layout, workdir, ports, dataRoot, line -> System.out.println("[supervisor] " + line));
    }

    /**
     * Runs {@code n} trainer replicas instead of one (before {@link #start}): trainer-service and
     * trainer-service-1 ... trainer-service-(n-1), each its own process, instance id (trainer-k, a
     * static member of the trainer group: partitions, and so runs, are shared out among them) and
     * port, and an even share of the cores. More replicas than the topics' partitions would idle.
     */
    public LocalEnsemble trainers(int n) {
        if (n < 1 || n > Topics.STATIC_PARTITIONS) {
            throw new IllegalArgumentException("--trainers must be 1 to " + Topics.STATIC_PARTITIONS
                    + " (the partitions of topic runs: a replica beyond them would get none), was " + n);
        }
        if (broker != null) {
            throw new IllegalStateException("set the trainers before start()");
        }
        trainers = n;
        return this;
    }

    /** The trainer replicas' names, trainer-service first. */
    public List<String> trainerServices() {
        List<String> all = new ArrayList<>(List.of("trainer-service"));
        all.addAll(extraTrainers.keySet());
        return all;
    }

    /** Starts the broker, then the four services together, and waits until all are ready. */
    public void start() throws IOException {
        start(Layout.SERVICES);
    }

    /** Starts the broker and only {@code only} of the services (a test of one service's API, say). */
    public void start(List<String> only) throws IOException {
        layout.requireBuilt();
        access.writeTo(workdir.resolve("token"));
        startBroker();
        List<String> all = new ArrayList<>(only);
        if (only.contains("trainer-service")) {
            for (int k = 1; k < trainers; k++) {
                String name = "trainer-service-" + k;
                extraTrainers.put(name, Ports.freePort());
                all.add(all.indexOf("trainer-service") + k, name);
            }
        }
        for (String s : all) {
            services.put(s, new ManagedProcess(s, serviceCommand(s), serviceEnvironment(), workdir.resolve("logs").resolve(s + ".log")));
            supervisor.watch(s, services.get(s), () -> startService(s), url(s, "/q/health/live"));
        }
        InParallel.forEach(all, "the ensemble did not start", this::startService);
    }

    /**
     * The services' environment: the allocator pinned, and MKL's feature dispatch preloaded when it is
     * built (every service alike, so that a restarted trainer or evaluator computes with the same
     * kernels, and the same bits, as the one it replaces). {@code -Doverfitguard.mkl-dispatch=generic}
     * leaves it out: MKL's own, vendor-gated choice (to compare, or should the shim ever misbehave).
     */
    Map<String, String> serviceEnvironment() {
        Map<String, String> env = new HashMap<>(ALLOCATOR);
        Path shim = layout.mklDispatchShim();
        if (!mklGeneric(System.getProperty("overfitguard.mkl-dispatch", "features")) && Files.isRegularFile(shim)) {
            String preload = System.getenv("LD_PRELOAD");
            env.put("LD_PRELOAD", preload == null || preload.isBlank() ? shim.toString() : shim + ":" + preload);
        }
        return env;
    }

    public void startBroker() throws IOException {
        if (broker == null) {
            Runtime.getRuntime().addShutdownHook(exitHook);
            List<String> command = new ArrayList<>(List.of(Layout.java().toString(), "-Xmx1g"));
            command.addAll(JVM_OPTIONS);
            command.addAll(List.of("-jar", layout.brokerJar().toString(), "--port", String.valueOf(ports.kafka()),
                    "--data-dir", workdir.resolve("kafka").toString(), "--exit-with-stdin"));
            broker = new ManagedProcess("kafka", command,
                    Map.of(),
                    workdir.resolve("logs").resolve("kafka.log"));
            supervisor.watch("kafka", broker, this::startBroker, this::brokerProblem);
        }
        broker.startAndAwaitLine(line -> line.startsWith("bootstrap.servers="), READY_TIMEOUT);
        createStaticTopics();
        supervisor.release("kafka");
    }

    /** The broker's liveness: it answers a metadata request within 5 s (a frozen broker accepts connections and answers nothing). */
    private String brokerProblem() {
        Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers(), "request.timeout.ms", "5000",
                "default.api.timeout.ms", "5000", "socket.connection.setup.timeout.ms", "2000"));
        try {
            admin.describeCluster().nodes().get(6, java.util.concurrent.TimeUnit.SECONDS);
            return null;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            return "no metadata: " + e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } finally {
            admin.close(Duration.ofSeconds(1));
        }
    }

    /** The process id of a component (a service or "kafka"), as it runs now. */
    public long pid(String component) {
        return (component.equals("kafka") ? broker : services.get(component)).pid();
    }

    /** The static topics, with their partition count, as the k8s KafkaTopics declare them. */
    private void createStaticTopics() throws IOException {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            var existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = Topics.STATIC.stream().filter(t -> !existing.contains(t))
                    .map(t -> new NewTopic(t, Topics.STATIC_PARTITIONS, (short) 1)).toList();
            if (!missing.isEmpty()) {
                admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IOException("cannot create the static topics: " + e.getMessage(), e);
        }
    }

    /** Stops the broker cleanly (its data directory stays), for the broker-restart test. */
    public void stopBroker() {
        supervisor.hold("kafka");
        broker.stop(STOP_GRACE);
    }

    /** Starts a service (again) and waits until it is ready; it is supervised from then on. */
    public void startService(String service) throws IOException {
        services.get(service).start();
        awaitReady(service);
        supervisor.release(service);
    }

    /** SIGKILL, on purpose: the service dies mid-step, mid-write, wherever it is, and stays down until {@link #startService}. */
    public void kill(String service) throws InterruptedException {
        supervisor.hold(service);
        services.get(service).kill();
    }

    /**
     * SIGKILL as a crash: the supervisor sees it die and starts it again, as Kubernetes would.
     * {@code component} is a service or "kafka" (the broker).
     */
    public void crash(String component) throws InterruptedException {
        (component.equals("kafka") ? broker : services.get(component)).kill();
    }

    /**
     * SIGSTOP as a fault: the component stays alive and answers nothing (a hung JVM, a node under
     * swap); the supervisor must see it is not live and replace it. {@code component}: a service or "kafka".
     */
    public void freeze(String component) throws IOException, InterruptedException {
        long pid = (component.equals("kafka") ? broker : services.get(component)).pid();
        int exit = new ProcessBuilder("kill", "-STOP", String.valueOf(pid)).inheritIO().start().waitFor();
        if (exit != 0) {
            throw new IOException("kill -STOP " + pid + " exited with " + exit);
        }
    }

    public void stopService(String service) {
        supervisor.hold(service);
        services.get(service).stop(STOP_GRACE);
    }

    /** True while a component is being restarted (or was given up). */
    public boolean degraded() {
        return supervisor.degraded();
    }

    /** Deaths and restarts so far (the chaos figures). */
    public List<ProcessSupervisor.Incident> incidents() {
        return supervisor.incidents();
    }

    /** The bearer token of a submitter (what ./ensemble itself uses, written to {@code <workdir>/token}). */
    public String token() {
        return access.token();
    }

    public LocalAccess access() {
        return access;
    }

    /** A client for trainer-service's REST API with the local token. */
    public RunSubmitter submitter() {
        return new RunSubmitter(url("trainer-service", "/"), access.token());
    }

    public String bootstrapServers() {
        return "localhost:" + ports.kafka();
    }

    public URI url(String service, String path) {
        Integer extra = extraTrainers.get(service);
        return URI.create("http://localhost:" + (extra != null ? extra : ports.of(service)) + path);
    }

    public Path workdir() {
        return workdir;
    }

    public Path checkpointRoot() {
        return workdir.resolve("checkpoints");
    }

    /** data-service's corpus store: under the workdir unless {@link #corpusStore(Path)} named one shared by launches. */
    public Path corpusStore() {
        return corpusStore != null ? corpusStore : workdir.resolve("corpus-store");
    }

    /** Where data-service keeps corpora tokenized (./ensemble: .ensemble/corpus-store, so a later launch finds them). */
    public LocalEnsemble corpusStore(Path dir) {
        if (broker != null) {
            throw new IllegalStateException("set the corpus store before start()");
        }
        corpusStore = dir.toAbsolutePath().normalize();
        return this;
    }

    public Path log(String service) {
        return services.get(service).log();
    }

    private List<String> serviceCommand(String service) {
        String base = extraTrainers.containsKey(service) ? "trainer-service" : service;
        List<String> c = new ArrayList<>(List.of(Layout.java().toString(),
                base.equals("trainer-service") || base.equals("evaluator-service") ? "-Xmx2g" : "-Xmx768m",
                "-Dquarkus.http.host=127.0.0.1", // nobody else on the network can reach them
                "-Dquarkus.http.port=" + url(service, "").getPort(),
                "-Dkafka.bootstrap.servers=" + bootstrapServers(),
                "-Dai.djl.offline=true",
                "-Doverfitguard.exit-with-stdin=true", // a launcher killed by SIGKILL takes its services along (StdinLifeline)
                "-XX:+ExitOnOutOfMemoryError")); // as the images run: an OOM anywhere ends the process, and the supervisor restarts it
        c.addAll(JVM_OPTIONS);
        switch (base) {
            case "trainer-service" -> {
                c.add("-Dtrainer.checkpoint-root=" + checkpointRoot());
                c.add("-Dtrainer.instance-id=trainer-" + trainerServices().indexOf(service));
                // an even share of the cores each, as pods with CPU limits would have; said even for one
                // trainer, so that a restarted process never picks another thread count (and with it
                // another order of summation) than the one it resumes from
                c.add("-Dai.djl.pytorch.num_threads=" + Math.max(1, Runtime.getRuntime().availableProcessors() / trainers));
                c.addAll(access.trainerProperties());
            }
            case "evaluator-service" -> {
                c.add("-Devaluator.instance-id=evaluator-0");
                c.add("-Devaluator.checkpoint-root=" + checkpointRoot());
                c.add("-Dai.djl.pytorch.num_threads=1"); // leave the cores to the trainer
            }
            case "monitor-service" -> c.add("-Dmonitor.trainer-url=" + url("trainer-service", "/").toString().replaceAll("/$", ""));
            case "data-service" -> {
                c.add("-Ddata.root=" + dataRoot);
                c.add("-Ddata.store.dir=" + corpusStore());
                c.add("-Ddata.instance-id=data-0");
            }
            default -> {
            }
        }
        c.add("-jar");
        c.add(layout.serviceJar(base).toString());
        return c;
    }

    /** {@code overfitguard.mkl-dispatch}: features (the shim preloaded, the default) or generic (MKL's own choice). */
    static boolean mklGeneric(String property) {
        return switch (property) {
            case "features" -> false;
            case "generic" -> true;
            default -> throw new IllegalArgumentException("overfitguard.mkl-dispatch must be features or generic, was '" + property + "'");
        };
    }

    static List<String> jvmOptions(String property) {
        return property.isBlank() ? List.of() : List.of(property.trim().split("\\s+"));
    }

    private void awaitReady(String service) throws IOException {
        URI health = url(service, "/q/health/ready");
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!services.get(service).alive()) {
                throw new IOException(service + " exited while starting; see " + log(service));
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
            sleep(250);
        }
        throw new IOException(service + " not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log(service));
    }

    /** Stops every service (in parallel), then the broker; once (a second caller waits for the first). */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            Runtime.getRuntime().removeShutdownHook(exitHook); // false when no broker was started: nothing registered
        } catch (IllegalStateException exiting) {
            // called from a shutdown hook: the JVM is exiting, and this is the hook's work
        }
        supervisor.close();
        List<CompletableFuture<Void>> stops = new ArrayList<>();
        for (ManagedProcess p : services.values()) {
            stops.add(CompletableFuture.runAsync(() -> p.stop(STOP_GRACE)));
        }
        CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).join();
        if (broker != null) {
            broker.stop(STOP_GRACE);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
