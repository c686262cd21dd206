package org.overfitguard.launcher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StopRequested;

/**
 * Benchmark, not a test: the default run through the whole local ensemble (real broker, four
 * service processes). It prints, from the run's own events:
 * <ul>
 *   <li>tokens/s trained through Kafka (wall clock between the first and last StepMetrics, waits for
 *       batches included) against the trainer's compute-only rate in the same run (tokens per step
 *       over the measured step time, i.e. what an in-memory batch source would give), and their ratio;</li>
 *   <li>the early-stop latency: CheckpointSaved of the deciding checkpoint to StopRequested, and
 *       StopRequested to RunCompleted (with the steps trained in between).</li>
 * </ul>
 * <pre>mvn -q -pl launcher test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.overfitguard.launcher.EnsembleBenchmark</pre>
 */
public final class EnsembleBenchmark {

    public static void main(String[] args) throws Exception {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        String spec = args.length > 0 ? Files.readString(Path.of(args[0])) : "";
        Path workdir = Files.createTempDirectory("bench-ensemble-");
        try (LocalEnsemble ensemble = new LocalEnsemble(new Layout(repo), workdir, LocalEnsemble.Ports.free(),
                Files.createDirectories(workdir.resolve("data")))) {
            ensemble.start();
            try (EventWatcher watcher = new EventWatcher(ensemble.bootstrapServers())) {
                String runId = ensemble.submitter().submit(spec);
                RunTracker run = watcher.track(runId);
                if (!run.awaitFinished(Duration.ofMinutes(20).toMillis()) || run.completed() == null) {
                    throw new IllegalStateException("the run did not complete: " + run.failed());
                }
                report(run);
            }
        }
    }

    private static void report(RunTracker run) {
        List<StepMetrics> steps = run.steps();
        StepMetrics first = steps.get(0);
        StepMetrics last = steps.get(steps.size() - 1);
        var s = run.requested().spec();
        long tokensPerStep = (long) s.training().batchSize() * s.model().blockSize();
        double wall = Duration.between(first.timestamp(), last.timestamp()).toNanos() / 1e9;
        double throughKafka = (last.step() - first.step()) * tokensPerStep / wall;
        double meanStep = steps.stream().skip(1).mapToDouble(StepMetrics::stepSeconds).average().orElseThrow();
        double computeOnly = tokensPerStep / meanStep;
        System.out.printf(Locale.ROOT, "run %s: %d steps, model %d layers x %d wide, batch %d x %d%n", run.runId(),
                run.completed().steps(), s.model().layers(), s.model().width(), s.training().batchSize(), s.model().blockSize());
        System.out.printf(Locale.ROOT, "trained through Kafka %.0f tok/s; the trainer's compute-only rate %.0f tok/s (%.1f ms/step); ratio %.3f%n",
                throughKafka, computeOnly, meanStep * 1000, throughKafka / computeOnly);
        StopRequested stop = run.stops().get(0);
        CheckpointSaved deciding = run.checkpoints().stream().filter(c -> c.step() == stop.atStep()).findFirst().orElseThrow();
        double decide = Duration.between(deciding.timestamp(), stop.timestamp()).toNanos() / 1e6;
        double finish = Duration.between(stop.timestamp(), run.completed().timestamp()).toNanos() / 1e6;
        double evaluation = run.evaluationAt(stop.atStep()).orElseThrow().evalSeconds() * 1000;
        System.out.printf(Locale.ROOT, "early stop: CheckpointSaved(step %d) -> StopRequested %.0f ms (evaluation itself %.0f ms); "
                + "StopRequested -> RunCompleted %.0f ms, %d steps trained after the deciding checkpoint%n",
                stop.atStep(), decide, evaluation, finish, run.completed().steps() - stop.atStep());
    }
}
