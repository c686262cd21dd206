package org.overfitguard.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * What Kubernetes does for a pod, done for the local processes: a component that exits while it
 * should run is started again with backoff (1 s, doubling, at most 5 times in a row; the count
 * resets after a minute up), and one whose liveness check (a service's /q/health/live, the broker's
 * metadata) fails three times in a row is killed with SIGKILL and so restarted too: a process frozen
 * with SIGSTOP (alive, answering nothing, deaf to SIGTERM) is replaced as a dead one is. Every step
 * is said on the terminal:
 * {@code trainer-service died (exit 137); restarting (1/5)}.
 *
 * <p>A component stopped on purpose ({@link #hold}) is left alone until {@link #release}d.
 */
final class ProcessSupervisor implements AutoCloseable {

    static final int MAX_RESTARTS = 5;
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration GOOD_RUN = Duration.ofMinutes(1);
    static final Duration POLL = Duration.ofMillis(500);
    static final Duration LIVENESS_EVERY = Duration.ofSeconds(5);
    static final int LIVENESS_FAILURES = 3;

    /** A liveness check: null when the component answers, else what is wrong; it must return within seconds. */
    @FunctionalInterface
    interface Probe {
        String problem();
    }

    /** How to bring a component back: start it and wait until it is ready. */
    @FunctionalInterface
    interface Restart {
        void run() throws Exception;
    }

    /** One death and what followed, for the terminal and for the chaos figures. */
    record Incident(String component, Instant died, Integer exitCode, Instant readyAgain, int attempt) {
    }

    private final class Watched {
        final ManagedProcess process;
        final Restart restart;
        final Probe liveness;
        /** Held from the start: a component is supervised once it was ready ({@link #release}). */
        volatile boolean held = true;
        volatile boolean restarting;
        volatile boolean gaveUp;
        volatile int restartsInARow;
        volatile Instant upSince = Instant.now();
        volatile Instant lastLivenessCheck = Instant.EPOCH;
        volatile int livenessFailures;

        Watched(ManagedProcess process, Restart restart, Probe liveness) {
            this.process = process;
            this.restart = restart;
            this.liveness = liveness;
        }
    }

    private final Map<String, Watched> watched = new ConcurrentHashMap<>();
    private final List<Incident> incidents = new ArrayList<>();
    private final Consumer<String> say;
    private final ExecutorService restarts = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "supervisor-restart");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Thread thread;
    private volatile boolean running = true;

    ProcessSupervisor(Consumer<String> say) {
        this.say = say;
        this.thread = new Thread(this::loop, "process-supervisor");
        thread.setDaemon(true);
        thread.start();
    }

    /** Watches a service from its first {@link #release} (when it is ready), its liveness by HTTP. */
    void watch(String name, ManagedProcess process, Restart restart, URI liveness) {
        watch(name, process, restart, () -> livenessProblem(liveness));
    }

    /** Watches a component from its first {@link #release}; {@code liveness} null: only whether it runs. */
    void watch(String name, ManagedProcess process, Restart restart, Probe liveness) {
        watched.put(name, new Watched(process, restart, liveness));
    }

    /** Stops supervising a component until {@link #release}: it is being stopped or killed on purpose. */
    void hold(String name) {
        Watched w = watched.get(name);
        if (w != null) {
            w.held = true;
        }
    }

    /** Supervises it again (it was started again on purpose). */
    void release(String name) {
        Watched w = watched.get(name);
        if (w != null) {
            w.held = false;
            w.gaveUp = false;
            w.restartsInARow = 0;
            w.upSince = Instant.now();
            w.livenessFailures = 0;
        }
    }

    synchronized List<Incident> incidents() {
        return List.copyOf(incidents);
    }

    /** True while some component is being restarted or was given up. */
    boolean degraded() {
        return watched.values().stream().anyMatch(w -> w.restarting || w.gaveUp);
    }

    private void loop() {
        while (running) {
            for (Map.Entry<String, Watched> e : watched.entrySet()) {
                check(e.getKey(), e.getValue());
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException ex) {
                return;
            }
        }
    }

    private void check(String name, Watched w) {
        if (w.held || w.restarting || w.gaveUp || !w.process.started()) {
            return;
        }
        if (!w.process.alive()) {
            died(name, w, w.process.exitCode());
            return;
        }
        if (w.liveness != null && Instant.now().isAfter(w.lastLivenessCheck.plus(LIVENESS_EVERY))) {
            w.lastLivenessCheck = Instant.now();
            String problem = w.liveness.problem();
            w.livenessFailures = problem == null ? 0 : w.livenessFailures + 1;
            if (w.livenessFailures >= LIVENESS_FAILURES) {
                say.accept(name + " is not live (" + problem + ", " + LIVENESS_FAILURES + " checks in a row); killing it");
                w.livenessFailures = 0;
                try {
                    w.process.kill(); // seen dead at the next look, and restarted
                } catch (InterruptedException ex) {
                    Thread.currentThread().interrupt();
                }
            }
        }
    }

    private void died(String name, Watched w, Integer exit) {
        Instant died = Instant.now();
        if (Duration.between(w.upSince, died).compareTo(GOOD_RUN) > 0) {
            w.restartsInARow = 0;
        }
        if (w.restartsInARow >= MAX_RESTARTS) {
            w.gaveUp = true;
            say.accept(name + " died (exit " + exit + ") " + MAX_RESTARTS + " times in a row; not restarting it. Its log: " + w.process.log());
            return;
        }
        int attempt = ++w.restartsInARow;
        w.restarting = true;
        say.accept(name + " died (exit " + exit + "); restarting (" + attempt + "/" + MAX_RESTARTS + ")");
        restarts.submit(() -> {
            Instant ready = null;
            try {
                Thread.sleep(FIRST_BACKOFF.toMillis() << (attempt - 1));
                if (!w.held) {
                    w.restart.run();
                    ready = Instant.now();
                    w.upSince = ready;
                    say.accept(name + " is back after " + Duration.between(died, ready).toSeconds() + " s");
                }
            } catch (InterruptedException ex) {
                Thread.currentThread().interrupt();
            } catch (Exception ex) {
                say.accept(name + " did not come back: " + ex.getMessage());
            } finally {
                synchronized (this) {
                    incidents.add(new Incident(name, died, exit, ready, attempt));
                }
                w.restarting = false;
            }
        });
    }

    private String livenessProblem(URI uri) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? null : "HTTP " + r.statusCode();
        } catch (java.io.IOException e) {
            return e.getClass().getSimpleName();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        restarts.shutdownNow();
    }
}
