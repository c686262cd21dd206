package org.overfitguard.evaluator.policy.replay;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.RunSpecs;

/**
 * Benchmark, not a test: how often ASHA finds a recipe within a tolerance of the exhaustive best,
 * over many sweeps, without training them (scripts/tuning-replay.sh).
 * <ol>
 * <li>Reads the curves of sweeps of one tuning file whose every trial ran to its end (the
 * {@code *-exhaustive-curves.csv} of scripts/tuning-benchmark.sh, or the CSV beside any random or
 * grid sweep's report), each cut where the file's early stopping fires.</li>
 * <li>Replays each file as the sweep it was, for every first rung and eta asked, with the tuner's own
 * rule ({@link SynchronousReplay}): what the live ASHA sweep of the same trials does.</li>
 * <li>Draws {@code --draws} sweeps of {@code --trials} trials from the pooled curves and reports, per
 * setting, the share within the tolerance of the draw's exhaustive best, the gap's mean, median and
 * 90th percentile, and the steps; beside it random search at equal steps (the draw's trials in
 * order, each to its end, until ASHA's steps are spent).</li>
 * <li>With {@code --wide N}: ASHA at equal compute, N trials under ASHA against {@code --trials} of
 * them run to their ends.</li>
 * </ol>
 *
 * <pre>mvn -q -pl evaluator-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.overfitguard.evaluator.policy.replay.AshaReplayBenchmark \
 *   -Dexec.args="--tune TUNING.yaml --curves A-curves.csv [--curves B-curves.csv ...] [--max-budget N]
 *                [--min-budgets 90,180] [--etas 2,3] [--trials 27] [--draws 2000] [--wide 81] [--seed 1] [--tolerance 0.01]"</pre>
 */
public final class AshaReplayBenchmark {

    /** What to replay; {@code maxBudget} 0 takes the tuning file's. */
    record Options(Path tune, List<Path> curves, long maxBudget, List<Long> minBudgets, List<Integer> etas, int trials, int draws,
                   int wide, long seed, double tolerance) {

        static Options parse(String[] args) {
            Path tune = null;
            List<Path> curves = new ArrayList<>();
            long maxBudget = 0;
            List<Long> minBudgets = List.of(90L, 120L, 150L, 180L, 210L, 240L, 270L, 300L);
            List<Integer> etas = List.of(2, 3, 4);
            int trials = 27;
            int draws = 2000;
            int wide = 0;
            long seed = 1;
            double tolerance = 0.01;
            for (int i = 0; i + 1 < args.length; i += 2) {
                String value = args[i + 1];
                switch (args[i]) {
                    case "--tune" -> tune = Path.of(value);
                    case "--curves" -> curves.add(Path.of(value));
                    case "--max-budget" -> maxBudget = Long.parseLong(value);
                    case "--min-budgets" -> minBudgets = Arrays.stream(value.split(",")).map(Long::valueOf).toList();
                    case "--etas" -> etas = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                    case "--trials" -> trials = Integer.parseInt(value);
                    case "--draws" -> draws = Integer.parseInt(value);
                    case "--wide" -> wide = Integer.parseInt(value);
                    case "--seed" -> seed = Long.parseLong(value);
                    case "--tolerance" -> tolerance = Double.parseDouble(value);
                    default -> throw new IllegalArgumentException("unknown option " + args[i] + "; " + USAGE);
                }
            }
            if (args.length % 2 != 0 || tune == null || curves.isEmpty()) {
                throw new IllegalArgumentException(USAGE);
            }
            return new Options(tune, curves, maxBudget, minBudgets, etas, trials, draws, wide, seed, tolerance);
        }

        private static final String USAGE = "usage: --tune FILE --curves FILE [--curves FILE ...] [--max-budget N] [--min-budgets a,b]"
                + " [--etas a,b] [--trials N] [--draws N] [--wide N] [--seed N] [--tolerance X]";
    }

    /** One setting's gaps to the exhaustive best over the draws (negative: better than it). */
    record Gaps(double[] values) {

        double within(double tolerance) {
            return share(g -> g <= tolerance + 1e-12);
        }

        double better() {
            return share(g -> g < 0);
        }

        double mean() {
            return Arrays.stream(values).average().orElse(Double.NaN);
        }

        double quantile(double q) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            return sorted[(int) Math.floor(q * (sorted.length - 1))];
        }

        private double share(java.util.function.DoublePredicate p) {
            return (double) Arrays.stream(values).filter(p).count() / values.length;
        }
    }

    private AshaReplayBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        Options o = Options.parse(args);
        JsonNode body = Json.yaml().readTree(Files.readString(o.tune()));
        EarlyStoppingSpec earlyStopping = RunSpecs.fromTree(body.path("base")).earlyStopping();
        long maxBudget = o.maxBudget() > 0 ? o.maxBudget() : body.path("scheduler").path("max_budget").asLong();
        if (maxBudget < 1) {
            throw new IllegalArgumentException(o.tune() + " has no scheduler.max_budget; give --max-budget N");
        }
        List<List<Curve>> sweeps = new ArrayList<>();
        for (Path f : o.curves()) {
            String name = f.getFileName().toString().replaceFirst("-curves\\.csv$", "");
            List<Curve> sweep = Curve.read(f, name + ":").stream().map(c -> c.untilEarlyStop(earlyStopping)).toList();
            sweep.stream().filter(c -> c.prunedAt() != null).findFirst().ifPresent(c -> {
                throw new IllegalArgumentException(f + ": " + c.trial() + " was pruned at " + c.prunedAt()
                        + "; replay needs sweeps whose every trial ran to its own end");
            });
            sweeps.add(sweep);
        }
        List<Curve> pool = sweeps.stream().flatMap(List::stream).toList();
        if (o.trials() > pool.size() || o.wide() > pool.size()) {
            throw new IllegalArgumentException("--trials " + o.trials() + " and --wide " + o.wide() + " may not exceed the " + pool.size()
                    + " trials the files hold");
        }
        System.out.printf(Locale.ROOT, "%d trials from %d sweeps; max_budget %d; %d draws of %d; tolerance %.4f nats%n", pool.size(),
                sweeps.size(), maxBudget, o.draws(), o.trials(), o.tolerance());
        System.out.printf(Locale.ROOT, "held-out jitter from one evaluation to the next, second half of every curve: sigma %.4f nats%n",
                jitter(pool));
        printEachSweep(sweeps, o, maxBudget);
        printDrawn(draw(pool, o.trials(), o.draws(), o.seed()), o, maxBudget);
        if (o.wide() > o.trials()) {
            printWide(draw(pool, o.wide(), o.draws(), o.seed() + 1), o, maxBudget);
        }
    }

    private static void printEachSweep(List<List<Curve>> sweeps, Options o, long maxBudget) {
        System.out.println("\nEach file as the sweep it was:");
        System.out.println("| sweep | first rung, eta | exhaustive best, steps | ASHA best | ASHA - exhaustive | ASHA's steps |");
        System.out.println("|---|---|---|---|---:|---:|");
        for (List<Curve> sweep : sweeps) {
            Curve best = sweep.stream().min((a, b) -> Double.compare(a.best(), b.best())).orElseThrow();
            long full = sweep.stream().mapToLong(Curve::end).sum();
            String file = best.trial().substring(0, best.trial().lastIndexOf(':'));
            for (int eta : o.etas()) {
                for (long r0 : o.minBudgets()) {
                    SynchronousReplay.Outcome a = SynchronousReplay.run(sweep, r0, eta, maxBudget);
                    System.out.printf(Locale.ROOT, "| %s | %d, %d | %.4f (%s), %d | %.4f (%s) | %+.4f | %.1f %% |%n", file, r0, eta,
                            best.best(), local(best.trial()), full, a.best(), local(a.bestTrial()), a.best() - best.best(),
                            100.0 * a.steps() / full);
                }
            }
        }
    }

    private static void printDrawn(List<List<Curve>> drawn, Options o, long maxBudget) {
        System.out.printf(Locale.ROOT, "%nDrawn sweeps of %d trials from the pool (the same draws for every setting):%n", o.trials());
        System.out.println("| first rung | eta | rungs | within tolerance | mean gap | median gap | 90th pct gap | steps |"
                + " random search at equal steps: within | its mean gap |");
        System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int eta : o.etas()) {
            for (long r0 : o.minBudgets()) {
                Replayed r = replay(drawn, o.trials(), r0, eta, maxBudget);
                System.out.printf(Locale.ROOT, "| %d | %d | %s | %.0f %% | %.4f | %.4f | %.4f | %.1f %% | %.0f %% | %.4f |%n", r0, eta,
                        new AshaSchedule(r0, eta, maxBudget).rungs(), 100 * r.asha().within(o.tolerance()), r.asha().mean(),
                        r.asha().quantile(0.5), r.asha().quantile(0.9), 100 * r.stepShare(), 100 * r.random().within(o.tolerance()),
                        r.random().mean());
            }
        }
    }

    /** ASHA at equal compute: each draw's trials under ASHA against its first {@code --trials} run to their ends. */
    private static void printWide(List<List<Curve>> drawn, Options o, long maxBudget) {
        System.out.printf(Locale.ROOT, "%nASHA over %d trials against the first %d of them each run to its end (the same draws for every"
                + " setting; gap < 0: ASHA's recipe is the better one):%n", o.wide(), o.trials());
        System.out.println("| first rung | eta | ASHA better | within tolerance or better | mean gap | median gap |"
                + " ASHA's steps / the exhaustive sweep's |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int eta : o.etas()) {
            for (long r0 : o.minBudgets()) {
                Replayed r = replay(drawn, o.trials(), r0, eta, maxBudget);
                System.out.printf(Locale.ROOT, "| %d | %d | %.0f %% | %.0f %% | %+.4f | %+.4f | %.1f %% |%n", r0, eta, 100 * r.asha().better(),
                        100 * r.asha().within(o.tolerance()), r.asha().mean(), r.asha().quantile(0.5), 100 * r.stepShare());
            }
        }
    }

    /**
     * One setting over the draws: ASHA's gaps and random search's (given ASHA's steps) to the best of
     * the draw's first {@code exhaustive} trials run to their ends, and ASHA's steps against theirs.
     */
    record Replayed(Gaps asha, Gaps random, double stepShare) {
    }

    static Replayed replay(List<List<Curve>> drawn, int exhaustive, long minBudget, int eta, long maxBudget) {
        double[] gaps = new double[drawn.size()];
        double[] randomGaps = new double[drawn.size()];
        double shares = 0;
        for (int d = 0; d < drawn.size(); d++) {
            List<Curve> full = drawn.get(d).subList(0, exhaustive);
            double best = full.stream().mapToDouble(Curve::best).min().orElseThrow();
            SynchronousReplay.Outcome a = SynchronousReplay.run(drawn.get(d), minBudget, eta, maxBudget);
            gaps[d] = a.best() - best;
            randomGaps[d] = randomSearch(drawn.get(d), a.steps()) - best;
            shares += (double) a.steps() / full.stream().mapToLong(Curve::end).sum();
        }
        return new Replayed(new Gaps(gaps), new Gaps(randomGaps), shares / drawn.size());
    }

    /** {@code draws} sweeps of {@code trials} distinct trials of the pool, each in a random order. */
    static List<List<Curve>> draw(List<Curve> pool, int trials, int draws, long seed) {
        Random random = new Random(seed);
        List<List<Curve>> drawn = new ArrayList<>();
        for (int d = 0; d < draws; d++) {
            List<Curve> shuffled = new ArrayList<>(pool);
            Collections.shuffle(shuffled, random);
            drawn.add(List.copyOf(shuffled.subList(0, trials)));
        }
        return drawn;
    }

    /** Random search given {@code steps}: the trials in order, each to its end, the last one cut where the steps run out. */
    static double randomSearch(List<Curve> sweep, long steps) {
        double best = Double.POSITIVE_INFINITY;
        long left = steps;
        for (Curve c : sweep) {
            if (left <= 0) {
                break;
            }
            best = Math.min(best, c.bestThrough(Math.min(left, c.end())));
            left -= c.end();
        }
        return best;
    }

    /**
     * The noise of a single evaluation around the curve's trend: from the second differences
     * x(i) - (x(i-1) + x(i+1)) / 2 over the second half of every curve, where the curves are near
     * flat; for independent noise of deviation sigma their deviation is sigma * sqrt(3/2).
     */
    static double jitter(List<Curve> curves) {
        double sum = 0;
        long n = 0;
        for (Curve c : curves) {
            List<Double> x = new ArrayList<>(c.losses().tailMap(c.end() / 2, true).values());
            for (int i = 1; i + 1 < x.size(); i++) {
                double d = x.get(i) - (x.get(i - 1) + x.get(i + 1)) / 2;
                sum += d * d;
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.sqrt(sum / n / 1.5);
    }

    private static String local(String trial) {
        return trial.substring(trial.lastIndexOf(':') + 1);
    }
}
