package org.overfitguard.lm;

import ai.djl.Device;
import ai.djl.pytorch.jni.JniUtils;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.StepPhases;
import org.overfitguard.lm.train.TrainingSession;

/**
 * Benchmark, not a test: where one training step's time goes, on the CPU, for the model of a spec
 * (default: nanoGPT's README CPU model, docs/specs/nanogpt-cpu-bench.yaml) fed random batches of a
 * 64-symbol vocabulary. Prints (1) milliseconds per step by phase (forward, loss, backward,
 * gradients, clipping, optimizer, cleanup) over timed steps, and tokens/s; (2) from the PyTorch
 * profiler over a few steps: native operations per step and the top-level operations by time
 * (skipped with {@code --no-profile}; scripts/speed-vs-nanogpt.sh uses that). {@code --warmup N} and
 * {@code --steps N} change the 20 warm-up and 150 timed steps (scripts/cost-growth.sh times large
 * models with few).
 *
 * <pre>mvn -q -pl lm test-compile exec:java -Dexec.classpathScope=test \
 *   -Dexec.mainClass=org.overfitguard.lm.StepProfileBenchmark -Dexec.args="docs/specs/nanogpt-cpu-bench.yaml" \
 *   -Dai.djl.pytorch.num_threads=1 -Dai.djl.pytorch.num_interop_threads=1</pre>
 */
public final class StepProfileBenchmark {

    private static final int VOCAB = 64;
    private static final int PROFILED = 10;

    public static void main(String[] args) throws Exception {
        RunSpec spec = args.length > 0 && !args[0].startsWith("--") ? RunSpecs.parse(Files.readString(Path.of(args[0]))) : RunSpec.defaults();
        List<String> options = Arrays.asList(args);
        int warmup = option(options, "--warmup", 20);
        int timed = option(options, "--steps", 150);
        int rows = spec.training().batchSize();
        int cols = spec.model().blockSize();
        Random random = new Random(1);
        try (TrainingSession s = TrainingSession.fresh(GptModel.create(GptConfig.of(spec, VOCAB), Device.cpu(), spec.seed()), spec)) {
            for (int i = 0; i < warmup; i++) {
                s.train(batch(random, s.step(), rows, cols));
            }
            s.phases().reset();
            long t0 = System.nanoTime();
            for (int i = 0; i < timed; i++) {
                s.train(batch(random, s.step(), rows, cols));
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            System.out.printf(Locale.ROOT, "model %d layers x %d wide, %d heads, batch %d x %d, %d threads: %.1f ms/step, %.0f tokens/s%n",
                    spec.model().layers(), spec.model().width(), spec.model().heads(), rows, cols, JniUtils.getNumThreads(),
                    seconds * 1000 / timed, (double) timed * rows * cols / seconds);
            double total = 0;
            for (StepPhases.Phase p : StepPhases.Phase.values()) {
                total += s.phases().millisPerStep(p);
            }
            for (StepPhases.Phase p : StepPhases.Phase.values()) {
                double ms = s.phases().millisPerStep(p);
                System.out.printf(Locale.ROOT, "  %-10s %7.2f ms/step  %5.1f %%%n", p.name().toLowerCase(Locale.ROOT), ms, 100 * ms / total);
            }

            if (options.contains("--no-profile")) {
                return;
            }
            Path trace = Files.createTempFile("step-profile", ".json");
            JniUtils.startProfile(false, false, false);
            for (int i = 0; i < PROFILED; i++) {
                s.train(batch(random, s.step(), rows, cols));
            }
            JniUtils.stopProfile(trace.toString());
            JsonNode root = new ObjectMapper().readTree(trace.toFile()); // libtorch writes a bare array of Chrome trace events
            summarize(root.isArray() ? root : root.path("traceEvents"), PROFILED);
            Files.deleteIfExists(trace);
        }
    }

    private static int option(List<String> options, String name, int otherwise) {
        int at = options.indexOf(name);
        if (at < 0) {
            return otherwise;
        }
        if (at + 1 >= options.size()) {
            throw new IllegalArgumentException(name + " needs a number of steps");
        }
        return Integer.parseInt(options.get(at + 1));
    }

    /** Native operations per step and the top-level ones (not inside another) by inclusive time. */
    private static void summarize(JsonNode events, int steps) {
        List<JsonNode> ops = new ArrayList<>();
        for (JsonNode e : events) {
            if ("X".equals(e.path("ph").asText()) && e.has("dur")) {
                ops.add(e);
            }
        }
        ops.sort(Comparator.comparingDouble((JsonNode e) -> e.path("ts").asDouble()).thenComparingDouble(e -> -e.path("dur").asDouble()));
        Map<String, double[]> topLevel = new HashMap<>(); // name -> {count, microseconds}
        Map<String, Deque<double[]>> open = new HashMap<>(); // per thread: ends of enclosing events
        long topCount = 0;
        for (JsonNode e : ops) {
            double ts = e.path("ts").asDouble();
            double end = ts + e.path("dur").asDouble();
            Deque<double[]> stack = open.computeIfAbsent(e.path("tid").asText(), k -> new ArrayDeque<>());
            while (!stack.isEmpty() && stack.peek()[0] <= ts) {
                stack.pop();
            }
            if (stack.isEmpty()) {
                topCount++;
                double[] agg = topLevel.computeIfAbsent(e.path("name").asText(), k -> new double[2]);
                agg[0]++;
                agg[1] += e.path("dur").asDouble();
            }
            stack.push(new double[] {end});
        }
        System.out.printf(Locale.ROOT, "profiler: %.0f native operations per step (%.0f top-level, i.e. called from Java or autograd)%n",
                (double) ops.size() / steps, (double) topCount / steps);
        topLevel.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue()[1], a.getValue()[1])).limit(18)
                .forEach(en -> System.out.printf(Locale.ROOT, "  %-58s %6.1f calls %7.2f ms/step%n", en.getKey(),
                        en.getValue()[0] / steps, en.getValue()[1] / 1000 / steps));
    }

    private static TokenBatch batch(Random random, long index, int rows, int cols) {
        int[] stream = random.ints(rows * cols + 1, 0, VOCAB).toArray();
        return new TokenBatch("bench", index, false, rows, cols, Arrays.copyOf(stream, rows * cols),
                Arrays.copyOfRange(stream, 1, rows * cols + 1));
    }
}
