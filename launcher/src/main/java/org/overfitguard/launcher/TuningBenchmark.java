package org.overfitguard.launcher;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.IntStream;
import org.overfitguard.contracts.json.Json;

/**
 * ASHA against the same trials run to completion, side by side in one ensemble
 * (scripts/tuning-benchmark.sh): the tuning file's trials first under scheduler random (every
 * trial to its own end: max_budget steps or its early stop), then under its asha scheduler. Both
 * draw the same trials (same seed, same space, max_steps = max_budget), and training is
 * deterministic, so a trial's held-out curve under ASHA is a prefix of its exhaustive curve: the
 * benchmark checks that too. Prints the best held-out loss and the steps each spent, and writes
 * both sweep reports (Markdown and PNG, the ASHA one with its pruning points, and the CSV of
 * every evaluation). Several {@code --tune} files that differ only in their asha scheduler share
 * one exhaustive sweep: it runs once, then each file's ASHA sweep in turn.
 *
 * <p>Each sweep's best is one seed's best held-out loss, the lowest of many noisy ones, so a lead of
 * a hundredth of a nat may be luck. With {@code --confirm-seeds N} the recipe each sweep picked is
 * trained again with run seeds 1..N (another corpus draw or split, initialisation and batch order
 * each), and the ASHA pick's bests are set against the exhaustive pick's, seed by seed.
 *
 * <pre>
 *   java -cp launcher/target/launcher.jar org.overfitguard.launcher.TuningBenchmark \
 *       --tune docs/tuning/bench-synthetic.yaml [--tune OTHER.yaml ...] [--data-root DIR] [--trainers N] [--out DIR] [--workdir DIR]
 *       [--seed N]   (the sampler seed of every file replaced by N: another draw of 27 trials)
 *       [--confirm-seeds N]   (both sweeps' picks trained again with run seeds 1..N, compared seed by seed)
 * </pre>
 */
public final class TuningBenchmark {

    /**
     * What one comparison found; {@code fresh} the picks' bests on fresh seeds (null unless confirmed
     * and the two sweeps picked different trials).
     */
    record Figures(String name, int trials, double exhaustiveBest, String exhaustiveBestTrial, long exhaustiveSteps, double ashaBest,
                   String ashaBestTrial, long ashaSteps, long pruned, int curveMismatches, Paired fresh) {

        double gap() {
            return ashaBest - exhaustiveBest;
        }

        double stepShare() {
            return (double) ashaSteps / exhaustiveSteps;
        }

        static void header(PrintStream out) {
            out.println("| tuning file | trials | exhaustive best (trial) | its steps | ASHA best (trial) | its steps | pruned |"
                    + " ASHA - exhaustive | steps share | curves differing | ASHA's pick - exhaustive's, fresh seeds |");
            out.println("|---|---:|---|---:|---|---:|---:|---:|---:|---:|---|");
        }

        void print(PrintStream out) {
            out.printf(Locale.ROOT, "| %s | %d | %.4f (%s) | %d | %.4f (%s) | %d | %d | %+.4f nats | %.1f %% | %d | %s |%n", name, trials,
                    exhaustiveBest, exhaustiveBestTrial, exhaustiveSteps, ashaBest, ashaBestTrial, ashaSteps, pruned, gap(),
                    100 * stepShare(), curveMismatches, fresh == null ? "-" : fresh.describe());
        }
    }

    /**
     * Two recipes' best held-out losses with the same fresh run seeds, {@code a[i]} and {@code b[i]}
     * from seed i + 1: each seed draws its own corpus or split, so they are compared seed by seed.
     */
    record Paired(double[] a, double[] b) {

        double meanDifference() {
            return IntStream.range(0, a.length).mapToDouble(i -> b[i] - a[i]).average().orElse(Double.NaN);
        }

        /** The standard error of the mean difference (0 for one seed). */
        double standardError() {
            double m = meanDifference();
            int n = a.length;
            double ss = IntStream.range(0, n).mapToDouble(i -> Math.pow(b[i] - a[i] - m, 2)).sum();
            return n < 2 ? 0 : Math.sqrt(ss / (n - 1) / n);
        }

        long bBetter() {
            return IntStream.range(0, a.length).filter(i -> b[i] < a[i]).count();
        }

        String describe() {
            return String.format(Locale.ROOT, "%+.4f +- %.4f (better on %d of %d)", meanDifference(), standardError(), bBetter(), a.length);
        }
    }

    private TuningBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        List<Path> tunes = new ArrayList<>();
        Path dataRoot = Path.of("data");
        Path out = Path.of(".ensemble", "tuning-benchmark");
        Path workdir = null;
        int trainers = 2;
        Integer seed = null;
        int confirmSeeds = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--tune" -> tunes.add(Path.of(args[++i]));
                case "--data-root" -> dataRoot = Path.of(args[++i]);
                case "--out" -> out = Path.of(args[++i]);
                case "--workdir" -> workdir = Path.of(args[++i]);
                case "--trainers" -> trainers = Integer.parseInt(args[++i]);
                case "--seed" -> seed = Integer.parseInt(args[++i]);
                case "--confirm-seeds" -> confirmSeeds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("usage: TuningBenchmark --tune FILE [--tune FILE ...] [--data-root DIR] [--trainers N] [--seed N]"
                        + " [--confirm-seeds N] [--out DIR] [--workdir DIR]; unknown " + args[i]);
            }
        }
        if (tunes.isEmpty()) {
            throw new IllegalArgumentException("--tune FILE is required (a tuning body with an asha scheduler)");
        }
        Map<String, String> bodies = new LinkedHashMap<>();
        YAMLMapper yaml = new YAMLMapper();
        for (Path tune : tunes) {
            String body = Files.readString(tune);
            String name = tune.getFileName().toString().replaceFirst("\\.ya?ml$", "");
            if (seed != null) { // another draw of the same space: other trials, the same schedulers
                ObjectNode tree = (ObjectNode) yaml.readTree(body);
                tree.put("seed", seed);
                body = tree.toString();
                name = name + "-seed" + seed;
            }
            bodies.put(name, body);
        }
        workdir = workdir != null ? workdir : Files.createTempDirectory("tuning-benchmark-");
        PrintStream o = System.out;
        String name = String.join("+", bodies.keySet());
        List<Figures> figures;
        try (LocalEnsemble ensemble = new LocalEnsemble(new Layout(Path.of("").toAbsolutePath()), workdir, LocalEnsemble.Ports.free(),
                dataRoot, line -> o.println("[supervisor] " + line)).trainers(trainers)) {
            o.println("[tune] " + name + ": " + trainers + " trainers, logs in " + workdir.resolve("logs"));
            ensemble.start();
            try (EventWatcher watcher = new EventWatcher(ensemble.bootstrapServers())) {
                figures = compare(bodies, ensemble, watcher, out, o, confirmSeeds);
            }
        }
        o.println();
        Figures.header(o);
        figures.forEach(f -> f.print(o));
        System.exit(0);
    }

    /**
     * One exhaustive sweep (the first file's trials, each to its end), then each file's ASHA sweep;
     * a row per file. With {@code confirmSeeds} > 0 each pick is also trained on run seeds 1..N (once per trial).
     */
    static List<Figures> compare(Map<String, String> bodies, LocalEnsemble ensemble, EventWatcher watcher, Path out, PrintStream o,
                                 int confirmSeeds) throws IOException, InterruptedException {
        YAMLMapper yaml = new YAMLMapper();
        Map<String, ObjectNode> ashas = new LinkedHashMap<>();
        ObjectNode exhaustive = null;
        String first = null;
        for (Map.Entry<String, String> e : bodies.entrySet()) {
            ObjectNode asha = (ObjectNode) yaml.readTree(e.getValue());
            if (!"asha".equals(asha.path("scheduler").path("kind").asText())) {
                throw new IllegalArgumentException(e.getKey() + ": the tuning file's scheduler must be asha");
            }
            ObjectNode its = exhaustiveOf(asha);
            if (exhaustive == null) {
                exhaustive = its;
                first = e.getKey();
            } else if (!exhaustive.equals(its)) {
                throw new IllegalArgumentException(e.getKey() + " and " + first + " differ in more than the asha scheduler"
                        + " (base, space, trials, seed, max_budget), so they cannot share one exhaustive sweep");
            }
            ashas.put(e.getKey(), asha);
        }
        List<RunTracker> full = sweep("exhaustive", exhaustive.toString(), ensemble, watcher, o);
        Files.createDirectories(out);
        SweepReport fullReport = SweepReport.of(full);
        fullReport.write(out.resolve(first + "-exhaustive.md"), "TuningBenchmark (scheduler random, every trial to its end)");
        SweepReport.Row bestFull = fullReport.best().orElseThrow();
        Map<String, double[]> fresh = new HashMap<>(); // trial -> its bests on run seeds 1..N
        List<Figures> figures = new ArrayList<>();
        for (Map.Entry<String, ObjectNode> e : ashas.entrySet()) {
            List<RunTracker> pruned = sweep("asha " + e.getKey(), e.getValue().toString(), ensemble, watcher, o);
            SweepReport ashaReport = SweepReport.of(pruned);
            ashaReport.write(out.resolve(e.getKey() + "-asha.md"), "TuningBenchmark (scheduler asha, " + e.getKey() + ")");
            SweepReport.Row bestAsha = ashaReport.best().orElseThrow();
            Paired paired = null;
            if (confirmSeeds > 0 && trialId(bestFull.variant()).equals(trialId(bestAsha.variant()))) {
                o.printf(Locale.ROOT, "[tune] fresh seeds: both sweeps picked %s, nothing to compare%n", trialId(bestFull.variant()));
            } else if (confirmSeeds > 0) {
                paired = new Paired(onFreshSeeds(full, trialId(bestFull.variant()), confirmSeeds, fresh, ensemble, watcher, o),
                        onFreshSeeds(full, trialId(bestAsha.variant()), confirmSeeds, fresh, ensemble, watcher, o));
                o.printf(Locale.ROOT, "[tune] fresh seeds 1-%d: ASHA's pick %s minus the exhaustive sweep's %s, seed by seed: %s%n",
                        confirmSeeds, trialId(bestAsha.variant()), trialId(bestFull.variant()), paired.describe());
            }
            Figures f = new Figures(e.getKey(), full.size(), bestFull.bestHeldOutLoss(), trialId(bestFull.variant()),
                    fullReport.stepsSpent(), bestAsha.bestHeldOutLoss(), trialId(bestAsha.variant()), ashaReport.stepsSpent(),
                    ashaReport.rows().stream().filter(r -> r.prunedAt() != null).count(), curveMismatches(fullReport, ashaReport, o), paired);
            Figures.header(o);
            f.print(o);
            figures.add(f);
        }
        return figures;
    }

    /**
     * The trial's recipe (its whole spec as the exhaustive sweep ran it) trained again with run seeds
     * 1..{@code seeds}, each to its own end; its best held-out loss per seed. Once per trial.
     */
    private static double[] onFreshSeeds(List<RunTracker> exhaustive, String trial, int seeds, Map<String, double[]> done,
                                         LocalEnsemble ensemble, EventWatcher watcher, PrintStream o) throws IOException, InterruptedException {
        if (done.containsKey(trial)) {
            return done.get(trial);
        }
        RunTracker run = exhaustive.stream().filter(r -> trialId(r.requested().variant()).equals(trial)).findFirst().orElseThrow();
        ObjectNode body = Json.mapper().createObjectNode();
        body.set("base", Json.mapper().valueToTree(run.requested().spec().withName("fresh-seeds-" + trial)));
        ArrayNode values = body.putObject("space").putObject("seed").putArray("values");
        IntStream.rangeClosed(1, seeds).forEach(values::add);
        List<RunTracker> runs = sweep("fresh seeds " + trial, body.toString(), ensemble, watcher, o);
        double[] bests = new double[seeds];
        for (RunTracker r : runs) {
            bests[(int) r.requested().spec().seed() - 1] = r.completed().bestHeldOutLoss();
        }
        done.put(trial, bests);
        return bests;
    }

    /** The same trials under scheduler random with max_steps = max_budget: each runs to its own end. */
    private static ObjectNode exhaustiveOf(ObjectNode asha) {
        ObjectNode exhaustive = asha.deepCopy();
        long budget = asha.path("scheduler").path("max_budget").asLong();
        ObjectNode training = (ObjectNode) ((ObjectNode) exhaustive.get("base")).with("training");
        training.put("max_steps", budget);
        ((ObjectNode) exhaustive.get("scheduler")).removeAll().put("kind", "random");
        return exhaustive;
    }

    private static List<RunTracker> sweep(String label, String body, LocalEnsemble ensemble, EventWatcher watcher, PrintStream o)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        List<String> ids = ensemble.submitter().submitSweep("", body);
        List<RunTracker> runs = ids.stream().map(watcher::track).toList();
        o.printf(Locale.ROOT, "[tune] %s: %d trials submitted%n", label, ids.size());
        int done = 0;
        for (RunTracker r : runs) {
            if (!r.awaitFinished(3_600_000)) {
                throw new IOException(r.runId() + " did not finish within an hour");
            }
            if (r.completed() == null) {
                throw new IOException(r.runId() + " failed: " + r.failed());
            }
            o.printf(Locale.ROOT, "[tune] %s %d/%d %s: %s after %d steps, best %.4f%n", label, ++done, runs.size(),
                    r.requested().variant(), r.completed().reason().name().toLowerCase(Locale.ROOT), r.completed().steps(),
                    r.completed().bestHeldOutLoss());
        }
        o.printf(Locale.ROOT, "[tune] %s: %.0f s%n", label, (System.nanoTime() - t0) / 1e9);
        return runs;
    }

    /** Held-out losses at the same step of the same trial that differ between the two sweeps (0: ASHA's curves are prefixes). */
    private static int curveMismatches(SweepReport full, SweepReport asha, PrintStream o) {
        Map<String, Map<Long, Double>> byTrial = new HashMap<>();
        for (SweepReport.Row r : full.rows()) {
            byTrial.put(trialId(r.variant()), r.curveByStep());
        }
        int mismatches = 0;
        for (SweepReport.Row r : asha.rows()) {
            Map<Long, Double> expected = byTrial.getOrDefault(trialId(r.variant()), Map.of());
            for (Map.Entry<Long, Double> e : r.curveByStep().entrySet()) {
                Double x = expected.get(e.getKey());
                if (x != null && Double.compare(x, e.getValue()) != 0 && mismatches++ == 0) {
                    o.printf(Locale.ROOT, "[tune] %s at step %d: held-out %.10f exhaustive, %.10f under asha%n",
                            r.variant(), e.getKey(), x, e.getValue());
                }
            }
        }
        return mismatches;
    }

    private static String trialId(String variant) {
        return variant.split(" ", 2)[0];
    }
}
