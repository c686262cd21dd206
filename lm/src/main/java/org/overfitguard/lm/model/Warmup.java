package org.overfitguard.lm.model;

import ai.djl.Device;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.eval.HeldOutEvaluator;
import org.overfitguard.lm.train.TrainingSession;

/**
 * A few throwaway training steps on a tiny model, run once when a service starts. Measured here:
 * the very first training steps in a fresh process could differ in their last bits from every later
 * identical run (one-time initialisation inside the native libraries), which breaks "the same spec
 * gives the same losses". After this, runs are bit-reproducible on the CPU.
 */
public final class Warmup {

    private Warmup() {
    }

    public static void run(Device device) {
        RunSpec spec = RunSpec.defaults();
        GptConfig config = new GptConfig(16, 8, 2, 2, 32, ModelSpec.NormPlacement.PRE, 0.1f, 0.1f, 0.1f, true);
        int[] tokens = new int[4 * 8];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7) % 16;
        }
        try (TrainingSession s = TrainingSession.fresh(GptModel.create(config, device, 1), spec)) {
            for (int k = 0; k < 3; k++) {
                s.train(new TokenBatch("warmup", k, false, 4, 8, tokens, tokens));
            }
            HeldOutEvaluator.evaluate(s.model(), java.util.List.of(new TokenBatch("warmup", 0, true, 4, 8, tokens, tokens)), 0, 4);
        }
    }
}
