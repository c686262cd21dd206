package org.overfitguard.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.overfitguard.contracts.events.StepMetrics;

/**
 * Tiny runs back to back while a chaos thread SIGKILLs a random component (the four services and
 * the broker itself) at random moments, the supervisor bringing each back as Kubernetes would.
 * Every run is the same spec, so each must report exactly the losses of one uninterrupted run of
 * it, step by step (a batch lost or trained twice changes every later loss); none may be stuck.
 *
 * <p>{@code ChaosSoak --runs N [--kills K (default N)] [--seed S] [--workdir DIR]}: prints the figures and exits
 * 1 if any run was stuck, failed or differed. The short version runs in CI (ChaosSoakTest); the
 * long one is scripts/chaos-soak.sh.
 */
public final class ChaosSoak {

    /** Small enough for seconds per run, long enough for several checkpoints and evaluations. */
    static final String SPEC = """
            name: chaos
            data: {sentences: 200}
            model: {layers: 1, heads: 2, width: 32, block_size: 16}
            training: {batch_size: 8, max_steps: 300, checkpoint_every: 25, metrics_every: 5}
            early_stopping: {patience: 1000}
            evaluation: {sample_tokens: 8}
            """;
    static final List<String> VICTIMS = List.of("trainer-service", "data-service", "evaluator-service", "monitor-service", "kafka");
    static final Duration RUN_TIMEOUT = Duration.ofMinutes(8);

    /** What a soak found. */
    record Figures(int runs, Map<String, Integer> killsByComponent, int stuck, int failed, int differing, int missingReports,
                   int compared, Map<String, Double> meanRecoverySeconds, Map<String, Double> maxRecoverySeconds,
                   double meanRunSeconds, Duration total) {

        int kills() {
            return killsByComponent.values().stream().mapToInt(Integer::intValue).sum();
        }

        boolean clean() {
            return stuck == 0 && failed == 0 && differing == 0 && missingReports == 0;
        }

        void print(PrintStream out) {
            out.println("| figure | value |");
            out.println("|---|---|");
            out.printf(Locale.ROOT, "| runs | %d (%.1f s each on average) |%n", runs, meanRunSeconds);
            out.printf(Locale.ROOT, "| kills (SIGKILL) | %d: %s |%n", kills(), killsByComponent);
            out.printf(Locale.ROOT, "| stuck runs | %d |%n", stuck);
            out.printf(Locale.ROOT, "| failed runs | %d |%n", failed);
            out.printf(Locale.ROOT, "| runs whose losses differ from the uninterrupted run | %d (%d step reports compared) |%n",
                    differing, compared);
            out.printf(Locale.ROOT, "| step reports lost | %d |%n", missingReports);
            out.printf(Locale.ROOT, "| runs with a batch lost or trained twice (a later loss differs, or the step count) | %d |%n", differing);
            out.printf(Locale.ROOT, "| time to recover, mean / max (s) | %s |%n", recovery());
            out.printf(Locale.ROOT, "| wall time | %d s |%n", total.toSeconds());
        }

        private String recovery() {
            List<String> parts = new ArrayList<>();
            meanRecoverySeconds.forEach((c, mean) -> parts.add(String.format(Locale.ROOT, "%s %.1f / %.1f", c, mean,
                    maxRecoverySeconds.get(c))));
            return String.join(", ", parts);
        }
    }

    private final LocalEnsemble ensemble;
    private final PrintStream out;
    private final Random random;

    /**
     * How long the killer waits, once the ensemble is whole again, before the next SIGKILL. A tiny run
     * takes about 8 s. The long soak spaces kills 5-25 s, about one per run, since a trainer killed three
     * times before its next checkpoint fails its run by design (trainer.max-attempts); the CI soak's
     * five kills hit each component once, so 2-10 s is safe there and ends a minute sooner.
     */
    record KillSpacing(int minMillis, int maxMillis) {
        static final KillSpacing LONG_SOAK = new KillSpacing(5_000, 25_000);
        static final KillSpacing ONE_CYCLE = new KillSpacing(2_000, 10_000);
    }

    private final KillSpacing spacing;

    ChaosSoak(LocalEnsemble ensemble, PrintStream out, long seed) {
        this(ensemble, out, seed, KillSpacing.LONG_SOAK);
    }

    ChaosSoak(LocalEnsemble ensemble, PrintStream out, long seed, KillSpacing spacing) {
        this.spacing = spacing;
        this.ensemble = ensemble;
        this.out = out;
        this.random = new Random(seed);
    }

    /** Runs {@code runs} runs while {@code killCount} kills happen at random (more runs while kills are still due). */
    Figures soak(int runs, int killCount) throws IOException, InterruptedException {
        Instant start = Instant.now();
        RunSubmitter submitter = ensemble.submitter();
        Map<String, Integer> kills = new TreeMap<>();
        VICTIMS.forEach(v -> kills.put(v, 0));
        int stuck = 0;
        int failed = 0;
        int differing = 0;
        int missing = 0;
        int compared = 0;
        double runSeconds = 0;
        int done = 0;
        try (EventWatcher watcher = new EventWatcher(ensemble.bootstrapServers())) {
            RunTracker baseline = watcher.track(submitter.submit(SPEC));
            if (!baseline.awaitFinished(RUN_TIMEOUT.toMillis()) || baseline.completed() == null) {
                throw new IOException("the uninterrupted baseline run did not complete: " + baseline.failed());
            }
            TreeMap<Long, StepMetrics> expected = new TreeMap<>();
            baseline.steps().forEach(m -> expected.put(m.step(), m));
            out.printf(Locale.ROOT, "[chaos] baseline %s: %d step reports, %d steps%n", baseline.runId(), expected.size(),
                    baseline.completed().steps());

            AtomicBoolean chaos = new AtomicBoolean(true);
            Thread killer = new Thread(() -> killAtRandom(chaos, kills, killCount), "chaos-killer");
            killer.setDaemon(true);
            killer.start();
            try {
                while (done < runs || totalKills(kills) < killCount) {
                    Instant t0 = Instant.now();
                    String runId = submitWithRetry(submitter);
                    RunTracker run = watcher.track(runId);
                    boolean finished = run.awaitFinished(RUN_TIMEOUT.toMillis());
                    runSeconds += Duration.between(t0, Instant.now()).toMillis() / 1000.0;
                    done++;
                    if (!finished) {
                        stuck++;
                        out.println("[chaos] STUCK: " + runId + " did not finish within " + RUN_TIMEOUT.toMinutes() + " min");
                        continue;
                    }
                    if (run.failed() != null) {
                        failed++;
                        out.println("[chaos] FAILED: " + runId + ": " + run.failed().reason());
                        continue;
                    }
                    int[] diff = compare(expected, run);
                    compared += diff[2];
                    missing += diff[1];
                    if (diff[0] > 0 || run.completed().steps() != baseline.completed().steps()) {
                        differing++;
                        out.println("[chaos] DIFFERS: " + runId + ": " + diff[0] + " step reports differ from the baseline");
                    }
                    out.printf(Locale.ROOT, "[chaos] run %d/%d %s: %s after %d steps, %d starts, kills so far %d%n", done, runs,
                            runId, run.completed().reason(), run.completed().steps(), run.starts().size(), totalKills(kills));
                }
            } finally {
                chaos.set(false);
                killer.interrupt();
                killer.join(60_000);
            }
        }
        return figures(done, kills, stuck, failed, differing, missing, compared, runSeconds, start);
    }

    /** [differing reports, missing steps, compared reports] of a run against the baseline's reports. */
    private static int[] compare(TreeMap<Long, StepMetrics> expected, RunTracker run) {
        int differ = 0;
        int compared = 0;
        TreeMap<Long, Boolean> seen = new TreeMap<>();
        for (StepMetrics m : run.steps()) {
            StepMetrics e = expected.get(m.step());
            compared++;
            if (e == null || Double.compare(e.crossEntropy(), m.crossEntropy()) != 0 || Double.compare(e.loss(), m.loss()) != 0
                    || Double.compare(e.gradNorm(), m.gradNorm()) != 0) {
                if (differ++ == 0) {
                    System.out.println("[chaos] " + run.runId() + ": first difference at step " + m.step() + ": " + (e == null
                            ? "the baseline has no report there"
                            : String.format(Locale.ROOT, "loss %.17g / %.17g, cross-entropy %.17g / %.17g, gradient norm %.17g / %.17g"
                                    + " (baseline / this run)", e.loss(), m.loss(), e.crossEntropy(), m.crossEntropy(), e.gradNorm(), m.gradNorm())));
                }
            }
            seen.put(m.step(), true);
        }
        List<Long> lost = expected.keySet().stream().filter(s -> !seen.containsKey(s)).toList();
        if (!lost.isEmpty()) {
            System.out.println("[chaos] " + run.runId() + ": no step report for steps " + lost);
        }
        return new int[] {differ, lost.size(), compared};
    }

    /** The trainer may be down for a moment when a run is submitted: try again until it answers. */
    private String submitWithRetry(RunSubmitter submitter) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (true) {
            try {
                return submitter.submit(SPEC);
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(1000);
            }
        }
    }

    /**
     * Until {@code count} kills: waits until nothing is restarting, then a random {@link KillSpacing}, then SIGKILLs
     * the next component of a random order of all five.
     */
    private void killAtRandom(AtomicBoolean chaos, Map<String, Integer> kills, int count) {
        List<String> cycle = new ArrayList<>();
        try {
            while (chaos.get() && totalKills(kills) < count) {
                while (chaos.get() && ensemble.degraded()) {
                    Thread.sleep(200);
                }
                Thread.sleep(spacing.minMillis() + random.nextInt(spacing.maxMillis() - spacing.minMillis())); // chaos, not a wait
                if (!chaos.get() || ensemble.degraded()) {
                    continue;
                }
                if (cycle.isEmpty()) { // every component once per cycle, in a random order: 5 kills hit all five
                    cycle.addAll(VICTIMS);
                    java.util.Collections.shuffle(cycle, random);
                }
                String victim = cycle.remove(0);
                out.println("[chaos] SIGKILL " + victim);
                ensemble.crash(victim);
                synchronized (kills) {
                    kills.merge(victim, 1, Integer::sum);
                }
                Thread.sleep(1500); // the supervisor's next look sees it dead
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int totalKills(Map<String, Integer> kills) {
        synchronized (kills) {
            return kills.values().stream().mapToInt(Integer::intValue).sum();
        }
    }

    private Figures figures(int runs, Map<String, Integer> kills, int stuck, int failed, int differing, int missing, int compared,
                            double runSeconds, Instant start) {
        Map<String, List<Double>> recovery = new TreeMap<>();
        for (ProcessSupervisor.Incident i : ensemble.incidents()) {
            if (i.readyAgain() != null) {
                recovery.computeIfAbsent(i.component(), c -> new ArrayList<>())
                        .add(Duration.between(i.died(), i.readyAgain()).toMillis() / 1000.0);
            }
        }
        Map<String, Double> mean = new TreeMap<>();
        Map<String, Double> max = new TreeMap<>();
        recovery.forEach((c, list) -> {
            mean.put(c, list.stream().mapToDouble(Double::doubleValue).average().orElse(0));
            max.put(c, list.stream().mapToDouble(Double::doubleValue).max().orElse(0));
        });
        return new Figures(runs, Map.copyOf(kills), stuck, failed, differing, missing, compared, mean, max,
                runs == 0 ? 0 : runSeconds / runs, Duration.between(start, Instant.now()));
    }

    public static void main(String[] args) throws Exception {
        int runs = 100;
        int kills = -1;
        long seed = System.nanoTime();
        Path workdir = Files.createTempDirectory("chaos-soak-");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--runs" -> runs = Integer.parseInt(args[++i]);
                case "--kills" -> kills = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Long.parseLong(args[++i]);
                case "--workdir" -> workdir = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("usage: ChaosSoak --runs N [--kills K] [--seed S] [--workdir DIR]");
            }
        }
        kills = kills < 0 ? runs : kills;
        PrintStream out = System.out;
        out.printf("[chaos] %d runs, %d kills, seed %d, workdir %s%n", runs, kills, seed, workdir);
        Layout layout = new Layout(Path.of("").toAbsolutePath());
        Figures f;
        try (LocalEnsemble ensemble = new LocalEnsemble(layout, workdir, LocalEnsemble.Ports.free(),
                Files.createDirectories(workdir.resolve("data")), line -> out.println("[supervisor] " + line))) {
            ensemble.start();
            f = new ChaosSoak(ensemble, out, seed).soak(runs, kills);
        }
        out.println();
        f.print(out);
        System.exit(f.clean() ? 0 : 1);
    }
}
