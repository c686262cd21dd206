package org.overfitguard.trainer.training;

import ai.djl.Device;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.kafka.EmbeddedKafka;
import org.overfitguard.kafka.TopicIO;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.TrainingSession;
import org.overfitguard.messaging.DeadLetters;
import org.overfitguard.messaging.KafkaConnection;

/**
 * Benchmark, not a test: training tokens/s of the same model fed (a) from batches in memory and
 * (b) from a real Kafka batch topic through the trainer's own {@link BatchStream}, in alternating
 * rounds in one process, and their ratio. The model is the default run's (or the spec given as the
 * first argument); batches are random tokens of the default char vocabulary size.
 *
 * <pre>mvn -q -pl trainer-service test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.overfitguard.trainer.training.TrainerThroughputBenchmark</pre>
 */
public final class TrainerThroughputBenchmark {

    private static final int VOCAB = 64;
    private static final int WARMUP = 20;
    private static final int STEPS = 120;
    private static final int ROUNDS = 3;

    public static void main(String[] args) throws Exception {
        RunSpec spec = args.length > 0 ? RunSpecs.parse(Files.readString(java.nio.file.Path.of(args[0]))) : RunSpec.defaults();
        int rows = spec.training().batchSize();
        int cols = spec.model().blockSize();
        List<TokenBatch> batches = new ArrayList<>();
        Random random = new Random(1);
        int total = ROUNDS * (WARMUP + STEPS);
        for (int k = 0; k < total; k++) {
            int[] stream = random.ints(rows * cols + 1, 0, VOCAB).toArray();
            batches.add(new TokenBatch("bench", k, false, rows, cols, Arrays.copyOf(stream, rows * cols),
                    Arrays.copyOfRange(stream, 1, rows * cols + 1)));
        }
        try (EmbeddedKafka broker = EmbeddedKafka.start(Files.createTempDirectory("bench-kafka"), 0)) {
            TopicIO.create(broker.bootstrapServers(), Topics.batches("bench"), 1);
            for (TokenBatch b : batches) {
                TopicIO.send(broker.bootstrapServers(), Topics.batches("bench"), "bench", TokenBatchCodec.encode(b));
            }
            KafkaConnection kafka = KafkaConnection.to(broker.bootstrapServers());
            double[] memory = new double[ROUNDS];
            double[] viaKafka = new double[ROUNDS];
            try (DeadLetters deadLetters = new DeadLetters(kafka, "bench")) {
                for (int round = 0; round < ROUNDS; round++) {
                    int first = round * (WARMUP + STEPS);
                    memory[round] = inMemory(spec, batches.subList(first, first + WARMUP + STEPS));
                    viaKafka[round] = fromKafka(spec, kafka, deadLetters, first);
                    System.out.printf(Locale.ROOT, "round %d: in memory %.0f tok/s, through Kafka %.0f tok/s%n", round + 1,
                            memory[round], viaKafka[round]);
                }
            }
            double m = median(memory);
            double k = median(viaKafka);
            System.out.printf(Locale.ROOT, "model %d layers x %d wide, batch %d x %d: in memory %.0f tok/s, through Kafka %.0f tok/s, "
                    + "ratio %.3f (median of %d rounds of %d steps)%n", spec.model().layers(), spec.model().width(), rows, cols, m, k,
                    k / m, ROUNDS, STEPS);
        }
    }

    private static double inMemory(RunSpec spec, List<TokenBatch> batches) {
        try (TrainingSession s = session(spec)) {
            long start = 0;
            for (int i = 0; i < batches.size(); i++) {
                if (i == WARMUP) {
                    start = System.nanoTime();
                }
                TokenBatch b = batches.get(i);
                s.train(new TokenBatch(b.runId(), i, false, b.rows(), b.cols(), b.inputs(), b.targets()));
            }
            return tokensPerSecond(spec, start);
        }
    }

    private static double fromKafka(RunSpec spec, KafkaConnection kafka, DeadLetters deadLetters, long firstOffset) {
        try (TrainingSession s = session(spec);
             BatchStream stream = new BatchStream(kafka, "bench", firstOffset, deadLetters, "bench-" + firstOffset)) {
            long start = 0;
            for (int i = 0; i < WARMUP + STEPS; i++) {
                if (i == WARMUP) {
                    start = System.nanoTime();
                }
                TokenBatch b = stream.next(firstOffset + i, () -> false);
                s.train(new TokenBatch(b.runId(), i, false, b.rows(), b.cols(), b.inputs(), b.targets()));
            }
            return tokensPerSecond(spec, start);
        }
    }

    private static TrainingSession session(RunSpec spec) {
        return TrainingSession.fresh(GptModel.create(GptConfig.of(spec, VOCAB), Device.cpu(), spec.seed()), spec);
    }

    private static double tokensPerSecond(RunSpec spec, long start) {
        double seconds = (System.nanoTime() - start) / 1e9;
        return (double) STEPS * spec.training().batchSize() * spec.model().blockSize() / seconds;
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length / 2];
    }
}
