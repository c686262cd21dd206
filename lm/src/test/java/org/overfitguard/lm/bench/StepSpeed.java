package org.overfitguard.lm.bench;

import ai.djl.Device;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.TrainingSession;

public class StepSpeed {
    public static void main(String[] args) {
        for (String yaml : args) {
            RunSpec spec = RunSpecs.parse(yaml);
            int b = spec.training().batchSize(), t = spec.model().blockSize();
            Random r = new Random(1);
            try (TrainingSession s = TrainingSession.fresh(GptModel.create(GptConfig.of(spec, 60), Device.cpu(), 1), spec)) {
                long t0 = 0;
                long lap = System.nanoTime();
                for (int k = 0; k < 200; k++) {
                    if (k % 20 == 0) { System.out.printf("  steps %d-%d: %.1f ms/step%n", k - 20, k, (System.nanoTime() - lap) / 2e7); lap = System.nanoTime(); }
                    if (k == 10) t0 = System.nanoTime();
                    int[] in = r.ints(b * t, 0, 60).toArray();
                    s.train(new TokenBatch("x", k, false, b, t, in, in));
                }
                double ms = (System.nanoTime() - t0) / 1e6 / 190;
                System.out.printf("%s -> %.1f ms/step, %.0f tok/s%n", yaml.replace('\n', ' '), ms, b * t / ms * 1000);
            }
        }
    }
}
