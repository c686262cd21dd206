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
 * over many sweeps, without training them. Pools the trials of sweeps of one tuning file run to their end (the
 * {@code *-exhaustive-curves.csv} of scripts/tuning-benchmark.sh, or any sweep report's CSV of a
 * random or grid sweep; each curve cut where the file's early stopping fires), draws sweeps of {@code --trials} of them at random, and replays ASHA's
 * synchronous promotion form on each draw with the tuner's own rule ({@link SynchronousReplay}),
 * for every first rung and eta asked. Beside it, random search at equal steps: the same draw's
 * trials, in the order drawn, each run to its end until ASHA's steps are spent. Per setting:
 * the share of draws within the tolerance, the gap's mean, median and 90th percentile, and the
 * steps against running every trial to its end. Each file is also replayed as the one sweep it
 * was, to set beside the live ASHA sweep of the same trials. With {@code --wide N}, ASHA's promise
 * at equal compute: N trials under ASHA against {@code --trials} of them run to their ends.
 *
 * <pre>mvn -q -pl evaluator-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.overfitguard.evaluator.policy.replay.AshaReplayBenchmark \
 *   -Dexec.args="--tune TUNING.yaml --curves A-curves.csv [--curves B-curves.csv ...] [--max-budget N] [--min-budgets 90,180] [--etas 2,3]
 *                [--trials 27] [--draws 2000] [--seed 1] [--tolerance 0.01]"</pre>
 */
public final class AshaReplayBenchmark {

    /** One setting's figures over the draws. */
    record Figures(long minBudget, int eta, List<Long> rungs, double success, double meanGap, double medianGap, double p90Gap,
                   double stepShare, double randomSuccess, double randomMeanGap) {
    }

    private AshaReplayBenchmark() {
    }

    public static void main(String[] args) throws IOException {
        List<Path> files = new ArrayList<>();
        Path tune = null;
        long maxBudget = 0;
        List<Long> minBudgets = List.of(90L, 120L, 150L, 180L, 210L, 240L, 270L, 300L);
        List<Integer> etas = List.of(2, 3, 4);
        int trials = 27;
        int draws = 2000;
        int wide = 0;
        long seed = 1;
        double tolerance = 0.01;
        for (int i = 0; i < args.length; i++) {
            String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i++]) {
                case "--curves" -> files.add(Path.of(value));
                case "--tune" -> tune = Path.of(value);
                case "--max-budget" -> maxBudget = Long.parseLong(value);
                case "--min-budgets" -> minBudgets = Arrays.stream(value.split(",")).map(Long::valueOf).toList();
                case "--etas" -> etas = Arrays.stream(value.split(",")).map(Integer::valueOf).toList();
                case "--trials" -> trials = Integer.parseInt(value);
                case "--draws" -> draws = Integer.parseInt(value);
                case "--wide" -> wide = Integer.parseInt(value);
                case "--seed" -> seed = Long.parseLong(value);
                case "--tolerance" -> tolerance = Double.parseDouble(value);
                default -> throw new IllegalArgumentException("unknown option " + args[i - 1] + "; usage: --tune FILE --curves FILE ... [--max-budget N]"
                        + " [--min-budgets a,b] [--etas a,b] [--trials N] [--draws N] [--wide N] [--seed N] [--tolerance X]");
            }
        }
        if (files.isEmpty() || tune == null) {
            throw new IllegalArgumentException("--tune FILE (the sweeps' tuning body) and --curves FILE (at least one) are required");
        }
        JsonNode body = Json.yaml().readTree(Files.readString(tune));
        EarlyStoppingSpec earlyStopping = RunSpecs.fromTree(body.path("base")).earlyStopping();
        maxBudget = maxBudget > 0 ? maxBudget : body.path("scheduler").path("max_budget").asLong();
        if (maxBudget < 1) {
            throw new IllegalArgumentException(tune + " has no scheduler.max_budget; give --max-budget N");
        }
        List<List<Curve>> sweeps = new ArrayList<>();
        List<Curve> pool = new ArrayList<>();
        for (Path f : files) {
            String name = f.getFileName().toString().replaceFirst("-curves\\.csv$", "");
            List<Curve> sweep = Curve.read(f, name + ":").stream().map(c -> c.untilEarlyStop(earlyStopping)).toList();
            for (Curve c : sweep) {
                if (c.prunedAt() != null) {
                    throw new IllegalArgumentException(f + ": " + c.trial() + " was pruned at " + c.prunedAt()
                            + "; replay needs sweeps whose every trial ran to its own end");
                }
            }
            sweeps.add(sweep);
            pool.addAll(sweep);
        }
        if (trials > pool.size()) {
            throw new IllegalArgumentException("--trials " + trials + " is more than the " + pool.size() + " trials the files hold");
        }
        System.out.printf(Locale.ROOT, "%d trials from %d sweeps; max_budget %d; %d draws of %d; tolerance %.4f nats%n", pool.size(),
                files.size(), maxBudget, draws, trials, tolerance);
        System.out.printf(Locale.ROOT, "held-out jitter from one evaluation to the next, second half of every curve: sigma %.4f nats%n%n",
                jitter(pool));

        System.out.println("Each file as the sweep it was:");
        System.out.println("| sweep | first rung, eta | exhaustive best, steps | ASHA best | ASHA - exhaustive | ASHA's steps |");
        System.out.println("|---|---|---|---|---:|---:|");
        for (int s = 0; s < sweeps.size(); s++) {
            List<Curve> sweep = sweeps.get(s);
            Curve best = sweep.stream().min((a, b) -> Double.compare(a.best(), b.best())).orElseThrow();
            long full = sweep.stream().mapToLong(Curve::end).sum();
            for (int eta : etas) {
                for (long r0 : minBudgets) {
                    SynchronousReplay.Outcome o = SynchronousReplay.run(sweep, r0, eta, maxBudget);
                    System.out.printf(Locale.ROOT, "| %s | %d, %d | %.4f (%s), %d | %.4f (%s) | %+.4f | %.1f %% |%n", files.get(s).getFileName(),
                            r0, eta, best.best(), local(best.trial()), full, o.best(), local(o.bestTrial()), o.best() - best.best(),
                            100.0 * o.steps() / full);
                }
            }
        }

        List<List<Curve>> drawn = draw(pool, trials, draws, seed);
        System.out.printf(Locale.ROOT, "%nDrawn sweeps of %d trials from the pool (the same draws for every setting):%n", trials);
        System.out.println("| first rung | eta | rungs | within tolerance | mean gap | median gap | 90th pct gap | steps |"
                + " random search at equal steps: within | its mean gap |");
        System.out.println("|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|");
        for (int eta : etas) {
            for (long r0 : minBudgets) {
                Figures f = figures(drawn, r0, eta, maxBudget, tolerance);
                System.out.printf(Locale.ROOT, "| %d | %d | %s | %.0f %% | %.4f | %.4f | %.4f | %.1f %% | %.0f %% | %.4f |%n", r0, eta,
                        f.rungs(), 100 * f.success(), f.meanGap(), f.medianGap(), f.p90Gap(), 100 * f.stepShare(),
                        100 * f.randomSuccess(), f.randomMeanGap());
            }
        }
        if (wide > trials) {
            wide(pool, trials, wide, draws, seed, minBudgets, etas, maxBudget, tolerance);
        }
    }

    /**
     * ASHA's promise at equal compute: a sweep of {@code wide} trials under ASHA against the first
     * {@code trials} of them run to their ends. A negative gap is ASHA finding the better recipe.
     */
    private static void wide(List<Curve> pool, int trials, int wide, int draws, long seed, List<Long> minBudgets, List<Integer> etas,
                             long maxBudget, double tolerance) {
        if (wide > pool.size()) {
            throw new IllegalArgumentException("--wide " + wide + " is more than the " + pool.size() + " trials the files hold");
        }
        List<List<Curve>> drawn = draw(pool, wide, draws, seed + 1);
        System.out.printf(Locale.ROOT, "%nASHA over %d trials against the first %d of them each run to its end (the same draws for every"
                + " setting; gap < 0: ASHA's recipe is the better one):%n", wide, trials);
        System.out.println("| first rung | eta | ASHA better | within tolerance or better | mean gap | median gap | ASHA's steps / the"
                + " exhaustive sweep's |");
        System.out.println("|---:|---:|---:|---:|---:|---:|---:|");
        for (int eta : etas) {
            for (long r0 : minBudgets) {
                double[] gaps = new double[drawn.size()];
                double shares = 0;
                for (int d = 0; d < drawn.size(); d++) {
                    List<Curve> sweep = drawn.get(d);
                    List<Curve> exhaustive = sweep.subList(0, trials);
                    SynchronousReplay.Outcome o = SynchronousReplay.run(sweep, r0, eta, maxBudget);
                    gaps[d] = o.best() - exhaustive.stream().mapToDouble(Curve::best).min().orElseThrow();
                    shares += (double) o.steps() / exhaustive.stream().mapToLong(Curve::end).sum();
                }
                double[] sorted = gaps.clone();
                Arrays.sort(sorted);
                System.out.printf(Locale.ROOT, "| %d | %d | %.0f %% | %.0f %% | %+.4f | %+.4f | %.1f %% |%n", r0, eta,
                        100.0 * Arrays.stream(gaps).filter(g -> g < 0).count() / gaps.length, 100 * within(gaps, tolerance),
                        Arrays.stream(gaps).average().orElseThrow(), sorted[sorted.length / 2], 100 * shares / drawn.size());
            }
        }
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

    static Figures figures(List<List<Curve>> drawn, long minBudget, int eta, long maxBudget, double tolerance) {
        double[] gaps = new double[drawn.size()];
        double[] randomGaps = new double[drawn.size()];
        double shares = 0;
        for (int d = 0; d < drawn.size(); d++) {
            List<Curve> sweep = drawn.get(d);
            double exhaustive = sweep.stream().mapToDouble(Curve::best).min().orElseThrow();
            long full = sweep.stream().mapToLong(Curve::end).sum();
            SynchronousReplay.Outcome o = SynchronousReplay.run(sweep, minBudget, eta, maxBudget);
            gaps[d] = o.best() - exhaustive;
            randomGaps[d] = randomSearch(sweep, o.steps()) - exhaustive;
            shares += (double) o.steps() / full;
        }
        double[] sorted = gaps.clone();
        Arrays.sort(sorted);
        return new Figures(minBudget, eta, new AshaSchedule(minBudget, eta, maxBudget).rungs(), within(gaps, tolerance),
                Arrays.stream(gaps).average().orElseThrow(), sorted[sorted.length / 2], sorted[(int) Math.floor(0.9 * (sorted.length - 1))],
                shares / drawn.size(), within(randomGaps, tolerance), Arrays.stream(randomGaps).average().orElseThrow());
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

    private static double within(double[] gaps, double tolerance) {
        return (double) Arrays.stream(gaps).filter(g -> g <= tolerance + 1e-12).count() / gaps.length;
    }

    private static String local(String trial) {
        return trial.substring(trial.lastIndexOf(':') + 1);
    }
}
