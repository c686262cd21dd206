package org.overfitguard.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./ensemble}: the embedded Kafka broker and the four services as separate processes, a run
 * (the default one, a spec file, or a sweep), live progress on the terminal, and a summary at the
 * end. Ctrl-C stops every process cleanly.
 */
public final class Ensemble {

    private Ensemble() {
    }

    public static void main(String[] args) throws Exception {
        if (ModelCommands.handles(args)) {
            System.exit(new ModelCommands(System.out, System.err).run(args));
            return;
        }
        Options options;
        try {
            options = Options.parse(args);
        } catch (IllegalArgumentException e) {
            System.err.print((e.getMessage().isEmpty() ? "" : e.getMessage() + "\n") + Options.USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        PrintStream out = System.out;
        String spec = options.spec() == null ? "" : Files.readString(options.spec());
        Layout layout = new Layout(Path.of("").toAbsolutePath());
        LocalEnsemble.Ports ports = options.freePorts() ? LocalEnsemble.Ports.free() : LocalEnsemble.Ports.defaults();
        LocalEnsemble ensemble = new LocalEnsemble(layout, options.workdir(), ports, options.dataRoot(),
                line -> out.println("\n" + line)) // deaths and restarts, on a line of their own amid the progress
                .trainers(options.trainers()).corpusStore(options.corpusStore());
        AtomicBoolean closed = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread shutdown = new Thread(() -> {
            if (closed.compareAndSet(false, true)) {
                out.println("\nstopping the ensemble...");
                ensemble.close();
                out.println("stopped; logs and checkpoints are in " + ensemble.workdir());
            }
            done.countDown();
        }, "ensemble-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);

        out.println("starting the embedded Kafka broker and the four services (logs in " + ensemble.workdir().resolve("logs") + ")");
        long t0 = System.nanoTime();
        ensemble.start();
        out.printf("ready in %.0f s: kafka %s | trainer %s | data %s | evaluator %s | monitor %s%n", (System.nanoTime() - t0) / 1e9,
                ensemble.bootstrapServers(), ensemble.url("trainer-service", ""), ensemble.url("data-service", ""),
                ensemble.url("evaluator-service", ""), ensemble.url("monitor-service", ""));
        for (String t : ensemble.trainerServices().subList(1, ensemble.trainerServices().size())) {
            out.println("  and " + t + " " + ensemble.url(t, "") + " (another trainer replica: it trains the runs of its partitions)");
        }
        out.println("writes to trainer-service need this ensemble's token (also in " + ensemble.workdir().resolve("token") + "):");
        out.println("  curl -H \"Authorization: Bearer $(cat " + ensemble.workdir().resolve("token") + ")\" -H 'Content-Type: application/yaml' "
                + "--data-binary @my-run.yaml " + ensemble.url("trainer-service", "/runs"));

        boolean ok;
        try (EventWatcher watcher = new EventWatcher(ensemble.bootstrapServers())) {
            RunSubmitter submitter = ensemble.submitter();
            boolean terminal = System.console() != null;
            if (options.sweep() != null || options.tune() != null) {
                ok = Sweeps.runAndReport(submitter, watcher, options, ensemble, out, terminal);
            } else {
                String runId = submitter.submit(spec);
                out.println("run " + runId + (options.spec() == null ? " (the default spec)" : " (" + options.spec() + ")")
                        + "; dashboard " + ensemble.url("monitor-service", "/run.html?id=" + runId));
                ok = follow(watcher.track(runId), new ProgressView(out, terminal));
                new ProgressView(out, terminal).summary(watcher.track(runId),
                        ensemble.url("monitor-service", "/run.html?id=" + runId).toString());
            }
        } catch (IOException e) {
            out.println(e.getMessage());
            ok = false;
        }
        if (options.keep()) {
            out.println("the ensemble stays up; dashboard " + ensemble.url("monitor-service", "/") + "; Ctrl-C stops it");
            done.await();
        } else {
            Runtime.getRuntime().removeShutdownHook(shutdown);
            shutdown.run();
        }
        System.exit(ok ? 0 : 1);
    }

    /** Draws progress until the run ends; true when it completed (not failed). */
    static boolean follow(RunTracker run, ProgressView view) throws InterruptedException {
        while (!run.finished()) {
            view.update(run);
            run.awaitChange(500);
        }
        view.update(run);
        return run.failed() == null;
    }

    static boolean followAll(List<RunTracker> runs, PrintStream out, boolean terminal) throws InterruptedException {
        boolean ok = true;
        for (RunTracker run : runs) {
            run.awaitRequested(10_000);
            out.println("\n== " + run.runId() + (run.requested() == null || run.requested().variant() == null ? ""
                    : " (" + run.requested().variant() + ")"));
            ok &= follow(run, new ProgressView(out, terminal));
        }
        return ok;
    }
}
