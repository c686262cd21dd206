package org.overfitguard.data.dataset;

import java.nio.file.Files;
import java.util.Locale;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.data.store.CorpusStore;
import org.overfitguard.text.augment.WordNetSynonyms;

/**
 * Benchmark, not a test: training tokens per second that one core turns into batches, for the
 * default run's data and model shape with every augmentation on, and without any; and the ratio to
 * the trainer's consumption rate given as the first argument (tokens/s, e.g. from
 * TrainerThroughputBenchmark). scripts/benchmarks.sh runs both and passes the figure along.
 *
 * <pre>mvn -q -pl data-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.overfitguard.data.dataset.AugmentationThroughputBenchmark -Dexec.args=24000</pre>
 */
public final class AugmentationThroughputBenchmark {

    private static final int WARMUP = 50;
    private static final int BATCHES = 400;

    public static void main(String[] args) throws Exception {
        double trainerRate = args.length > 0 ? Double.parseDouble(args[0]) : Double.NaN;
        RunSpec plain = RunSpec.defaults();
        RunSpec augmented = RunSpecs.parse("""
                augmentation: {synonym_rate: 0.1, deletion_rate: 0.1, swap_rate: 0.1, reorder_rate: 0.1,
                               span_deletion_rate: 0.05, token_mask_rate: 0.1}
                """);
        DatasetBuilder builder = new DatasetBuilder(new SourceFiles(Files.createTempDirectory("bench-data")),
                new CorpusStore(Files.createTempDirectory("bench-store"), 1L << 30, "bench", 0.01, 1 << 20), 64, 1000, 1 << 20, 1L << 30);
        double none = rate(new BatchFactory(builder.build("bench", plain), new WordNetSynonyms()), plain);
        double all = rate(new BatchFactory(builder.build("bench", augmented), new WordNetSynonyms()), augmented);
        System.out.printf(Locale.ROOT, "batches of %d x %d tokens on one core: no augmentation %.0f tok/s, every augmentation on %.0f tok/s%n",
                plain.training().batchSize(), plain.model().blockSize(), none, all);
        if (!Double.isNaN(trainerRate)) {
            System.out.printf(Locale.ROOT, "trainer consumes %.0f tok/s (default model): one data core keeps %.1fx ahead with every augmentation on%n",
                    trainerRate, all / trainerRate);
        }
    }

    private static double rate(BatchFactory factory, RunSpec spec) {
        for (int k = 0; k < WARMUP; k++) {
            factory.batch(k);
        }
        long start = System.nanoTime();
        for (int k = WARMUP; k < WARMUP + BATCHES; k++) {
            factory.batch(k);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return (double) BATCHES * spec.training().batchSize() * spec.model().blockSize() / seconds;
    }
}
