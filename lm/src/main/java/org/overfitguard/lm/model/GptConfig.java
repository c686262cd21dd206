package org.overfitguard.lm.model;

import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * Everything that fixes the model's shape and its in-model regularizers.
 *
 * @param vocabSize         V, from the run's tokenizer
 * @param blockSize         T, the longest context
 * @param layers            transformer blocks
 * @param heads             H; width / heads is the head size D
 * @param width             C
 * @param norm              pre-LN (default: stable without warmup tricks) or post-LN (the 2017 transformer)
 * @param embeddingDropout  after token + position embeddings
 * @param attentionDropout  on attention probabilities
 * @param residualDropout   on each residual branch before it is added back
 * @param weightTying       output projection = token embedding (one parameter)
 */
public record GptConfig(int vocabSize, int blockSize, int layers, int heads, int width, ModelSpec.NormPlacement norm,
                        float embeddingDropout, float attentionDropout, float residualDropout, boolean weightTying) {

    public GptConfig {
        if (vocabSize < 2 || blockSize < 1 || layers < 1 || heads < 1 || width < 1 || width % heads != 0) {
            throw new IllegalArgumentException("inconsistent model config: " + this);
        }
    }

    public static GptConfig of(RunSpec spec, int vocabSize) {
        ModelSpec m = spec.model();
        var d = spec.regularization().dropout();
        return new GptConfig(vocabSize, m.blockSize(), m.layers(), m.heads(), m.width(), m.norm(),
                (float) d.embedding(), (float) d.attention(), (float) d.residual(), spec.regularization().weightTying());
    }

    /**
     * Parameter count by formula: embeddings V*C + T*C; per block two LayerNorms (4C), attention
     * (3C*C + 3C + C*C + C), MLP (4C*C + 4C + 4C*C + C); final LayerNorm 2C; output V*C unless tied.
     */
    public long expectedParameterCount() {
        return parameterCount(vocabSize, blockSize, layers, width, weightTying);
    }

    /** The same formula for any shape, also one that would not make a valid model. */
    public static long parameterCount(long vocabSize, long blockSize, long layers, long width, boolean tied) {
        long c = width;
        long perBlock = 4 * c + (3 * c * c + 3 * c + c * c + c) + (4 * c * c + 4 * c + 4 * c * c + c);
        return vocabSize * c + blockSize * c + layers * perBlock + 2 * c + (tied ? 0 : vocabSize * c);
    }
}
