package org.overfitguard.lm;

import ai.djl.Device;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;

/** Tiny models and batches for fast tests on the CPU. */
final class Fixtures {

    static final int V = 16;
    static final int T = 8;

    static GptConfig tiny(NormPlacement norm, float dropout, boolean tied) {
        return tiny(ModelSpec.of(2, 2, 32, T).withNorm(norm, ModelSpec.NormKind.LAYERNORM), DropoutSpec.of(dropout, dropout, dropout), tied);
    }

    static GptConfig tiny(ModelSpec model, DropoutSpec dropout, boolean tied) {
        return new GptConfig(V, model, dropout, tied);
    }

    static GptModel model(GptConfig config, long seed) {
        return GptModel.create(config, Device.cpu(), seed);
    }

    static TokenBatch batch(long index, int rows, long seed) {
        Random random = new Random(seed);
        int[] stream = random.ints(rows * T + 1, 0, V).toArray();
        int[] inputs = new int[rows * T];
        int[] targets = new int[rows * T];
        for (int r = 0; r < rows; r++) {
            for (int t = 0; t < T; t++) {
                inputs[r * T + t] = stream[r * T + t];
                targets[r * T + t] = stream[r * T + t + 1];
            }
        }
        return new TokenBatch("test-run", index, false, rows, T, inputs, targets);
    }

    /** The same tokens under another index: "batch k is step k". */
    static TokenBatch reindex(TokenBatch b, long index) {
        return new TokenBatch(b.runId(), index, b.heldOut(), b.rows(), b.cols(), b.inputs(), b.targets());
    }

    static RunSpec spec(String yaml) {
        return RunSpecs.parse("""
                model: {layers: 2, heads: 2, width: 32, block_size: 8}
                optimizer: {learning_rate: 0.01, min_learning_rate: 0.001, warmup_steps: 5}
                training: {batch_size: 4, max_steps: 300, checkpoint_every: 5}
                """ + yaml);
    }

    private Fixtures() {
    }
}
