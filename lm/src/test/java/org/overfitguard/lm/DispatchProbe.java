package org.overfitguard.lm;

import ai.djl.Device;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.MklDispatch;
import org.overfitguard.lm.train.TrainingSession;

/**
 * Trains a small GPT for a few steps in a process of its own and prints how MKL dispatches here
 * ("shim=true|false") and each step's loss as the bits of its double ("loss=STEP HEX"), so that a
 * parent can compare two processes bit for bit. Run by MklDispatchTest, with and without the shim.
 */
public final class DispatchProbe {

    static final int STEPS = 12;
    static final String SPEC = "model: {layers: 2, heads: 4, width: 128, block_size: 64}\ntraining: {batch_size: 8}\n";

    public static void main(String[] args) {
        System.out.println("shim=" + MklDispatch.current().shimLoaded());
        RunSpec spec = RunSpecs.parse(SPEC);
        try (GptModel model = GptModel.create(GptConfig.of(spec, 64), Device.cpu(), 5);
             TrainingSession session = TrainingSession.fresh(model, spec)) {
            for (int k = 0; k < STEPS; k++) {
                double loss = session.train(batch(k)).loss();
                System.out.println("loss=" + k + " " + Long.toHexString(Double.doubleToLongBits(loss)));
            }
        }
    }

    private static TokenBatch batch(long index) {
        Random random = new Random(index);
        int[] in = random.ints(8L * 64, 0, 64).toArray();
        int[] out = random.ints(8L * 64, 0, 64).toArray();
        return new TokenBatch("probe", index, false, 8, 64, in, out);
    }
}
