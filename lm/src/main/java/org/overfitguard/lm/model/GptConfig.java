package org.overfitguard.lm.model;

import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * Everything that fixes the model's shape and its in-model regularizers: the spec's model section,
 * its dropout rates, weight tying, and V from the run's tokenizer.
 *
 * @param vocabSize   V
 * @param model       layers, heads H, width C (C / H is the head size D), block size T, norm placement
 *                    and kind, residual connections
 * @param dropout     embedding, attention, residual, head and MLP dropout rates
 * @param weightTying output projection = token embedding (one parameter)
 */
public record GptConfig(int vocabSize, ModelSpec model, DropoutSpec dropout, boolean weightTying) {

    /** Refuses a shape no model can have, naming the value (the run spec's validation refuses these first, as a 400). */
    public GptConfig {
        require(vocabSize >= 2, "vocabulary size must be at least 2, was " + vocabSize);
        require(model.blockSize() >= 1, "model.block_size must be at least 1, was " + model.blockSize());
        require(model.layers() >= 1, "model.layers must be at least 1, was " + model.layers());
        require(model.heads() >= 1, "model.heads must be at least 1, was " + model.heads());
        require(model.width() >= 1, "model.width must be at least 1, was " + model.width());
        require(model.width() % model.heads() == 0,
                "model.heads must divide model.width (" + model.width() + "), was " + model.heads());
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    public static GptConfig of(RunSpec spec, int vocabSize) {
        return new GptConfig(vocabSize, spec.model(), spec.regularization().dropout(), spec.regularization().weightTying());
    }

    public int blockSize() {
        return model.blockSize();
    }

    public int layers() {
        return model.layers();
    }

    public int heads() {
        return model.heads();
    }

    public int width() {
        return model.width();
    }

    public ModelSpec.NormPlacement norm() {
        return model.norm();
    }

    public float embeddingDropout() {
        return (float) dropout.embedding();
    }

    public float attentionDropout() {
        return (float) dropout.attention();
    }

    public float residualDropout() {
        return (float) dropout.residual();
    }

    public float headDropout() {
        return (float) dropout.heads();
    }

    public float mlpDropout() {
        return (float) dropout.mlp();
    }

    /**
     * Parameter count by formula: embeddings V*C + T*C; per block two norms, attention
     * (3C*C + 3C + C*C + C), MLP (4C*C + 4C + 4C*C + C); the final norm; output V*C unless tied. A
     * LayerNorm has a gain and a shift (2C), an RMSNorm a gain only (C), no normalization nothing;
     * without biases the Linear layers lose their 3C + C + 4C + C and a LayerNorm its shift.
     */
    public long expectedParameterCount() {
        return parameterCount(vocabSize, blockSize(), layers(), width(), weightTying, normParameters(model), model.bias());
    }

    /** Parameters of one norm per channel: 2 (LayerNorm: gain, shift), 1 (RMSNorm, or a LayerNorm without bias: gain) or 0 (none). */
    public static int normParameters(ModelSpec model) {
        if (model.norm() == ModelSpec.NormPlacement.NONE) {
            return 0;
        }
        return model.normKind() == ModelSpec.NormKind.RMSNORM || !model.bias() ? 1 : 2;
    }

    /** The same formula for any shape, also one that would not make a valid model. */
    public static long parameterCount(long vocabSize, long blockSize, long layers, long width, boolean tied, int perNorm) {
        return parameterCount(vocabSize, blockSize, layers, width, tied, perNorm, true);
    }

    /** As above, the Linear layers' biases counted only with {@code bias}. */
    public static long parameterCount(long vocabSize, long blockSize, long layers, long width, boolean tied, int perNorm, boolean bias) {
        long c = width;
        long biases = bias ? 3 * c + c + 4 * c + c : 0;
        long perBlock = 2 * perNorm * c + (3 * c * c + c * c) + (4 * c * c + 4 * c * c) + biases;
        return vocabSize * c + blockSize * c + layers * perBlock + perNorm * c + (tied ? 0 : vocabSize * c);
    }
}
