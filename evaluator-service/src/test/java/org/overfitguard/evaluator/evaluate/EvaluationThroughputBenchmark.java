package org.overfitguard.evaluator.evaluate;

import ai.djl.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.eval.HeldOutEvaluator;
import org.overfitguard.lm.eval.HeldOutScore;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;

/**
 * Benchmark, not a test: held-out tokens scored per second by the evaluation routine, for the
 * default run's model on a held-out set of the default run's size (about 7,000 windows' worth of
 * tokens is far more than it has; we score 64 records of 64 windows), at several rows per forward.
 * The CheckpointSaved-to-StopRequested latency is measured end to end by the launcher's
 * EnsembleBenchmark.
 *
 * <pre>mvn -q -pl evaluator-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.overfitguard.evaluator.evaluate.EvaluationThroughputBenchmark</pre>
 */
public final class EvaluationThroughputBenchmark {

    public static void main(String[] args) {
        RunSpec spec = RunSpec.defaults();
        int t = spec.model().blockSize();
        Random random = new Random(3);
        List<TokenBatch> heldOut = new ArrayList<>();
        for (int r = 0; r < 16; r++) {
            int[] tokens = random.ints(64 * (t + 1), 0, 64).toArray();
            heldOut.add(new TokenBatch("bench", r, true, 64, t, Arrays.copyOf(tokens, 64 * t), Arrays.copyOfRange(tokens, 1, 64 * t + 1)));
        }
        try (GptModel model = GptModel.create(GptConfig.of(spec, 64), Device.cpu(), 1)) {
            for (int rows : new int[] {16, 64, 256}) {
                HeldOutEvaluator.evaluate(model, heldOut, 0, rows); // warm-up
                long start = System.nanoTime();
                HeldOutScore score = null;
                for (int i = 0; i < 3; i++) {
                    score = HeldOutEvaluator.evaluate(model, heldOut, 0, rows);
                }
                double seconds = (System.nanoTime() - start) / 1e9 / 3;
                System.out.printf(Locale.ROOT, "rows per forward %3d: %d held-out tokens in %.3f s = %.0f tok/s%n", rows, score.tokens(),
                        seconds, score.tokens() / seconds);
            }
        }
    }
}
