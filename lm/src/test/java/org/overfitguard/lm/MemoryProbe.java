package org.overfitguard.lm;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.eval.HeldOutEvaluator;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.TrainingSession;

/**
 * Measures the native memory one training run (or one evaluation) really takes, in a process of
 * its own: resident set before the model exists, then the peak (VmHWM, reset through
 * /proc/self/clear_refs) over a few steps. Prints "measured=BYTES". Run by MemoryEstimateTest.
 *
 * <p>Arguments: train|eval, vocab, block, layers, heads, width, batch (rows), label smoothing, dropout.
 */
public final class MemoryProbe {

    public static void main(String[] args) throws Exception {
        boolean train = args[0].equals("train");
        int v = Integer.parseInt(args[1]);
        int t = Integer.parseInt(args[2]);
        int layers = Integer.parseInt(args[3]);
        int heads = Integer.parseInt(args[4]);
        int width = Integer.parseInt(args[5]);
        int rows = Integer.parseInt(args[6]);
        double smoothing = Double.parseDouble(args[7]);
        double dropout = Double.parseDouble(args[8]);
        RunSpec spec = RunSpecs.parse("model: {layers: " + layers + ", heads: " + heads + ", width: " + width + ", block_size: " + t
                + "}\nregularization: {label_smoothing: " + smoothing + ", dropout: {embedding: " + dropout + ", attention: "
                + dropout + ", residual: " + dropout + "}}\ntraining: {batch_size: " + rows + "}\n");
        List<TokenBatch> batches = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
            batches.add(batch(k, rows, t, v));
        }
        // load the engine and touch its code paths on a toy model, so the baseline holds the library, not the run
        try (GptModel warm = GptModel.create(new GptConfig(8, ModelSpec.of(1, 1, 8, 4), DropoutSpec.none(), false), Device.cpu(), 1);
             TrainingSession s = TrainingSession.fresh(warm, RunSpecs.parse("model: {layers: 1, heads: 1, width: 8, block_size: 4}"))) {
            s.train(batch(0, 2, 4, 8));
        }
        System.gc();
        long baseline = status("VmRSS");
        Files.writeString(Path.of("/proc/self/clear_refs"), "5");
        GptModel model = GptModel.create(GptConfig.of(spec, v), Device.cpu(), 7);
        if (train) {
            try (TrainingSession session = TrainingSession.fresh(model, spec)) {
                for (TokenBatch b : batches) {
                    session.train(b);
                }
            }
        } else {
            HeldOutEvaluator.evaluate(model, batches, 0, rows);
            HeldOutEvaluator.evaluate(model, batches, 0, rows);
            model.close();
        }
        long peak = status("VmHWM");
        System.out.println("measured=" + (peak - baseline));
    }

    private static TokenBatch batch(long index, int rows, int t, int v) {
        Random random = new Random(index);
        int[] in = random.ints((long) rows * t, 0, v).toArray();
        int[] out = random.ints((long) rows * t, 0, v).toArray();
        return new TokenBatch("probe", index, false, rows, t, in, out);
    }

    /** A /proc/self/status field, in bytes. */
    private static long status(String field) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("no " + field + " in /proc/self/status");
    }

    private MemoryProbe() {
    }
}
