package org.overfitguard.lm.model;

/**
 * Peak native memory of training and evaluating a GPT, estimated from its shape before any of it
 * exists, so a service can refuse a run it could not hold instead of dying mid-run (and again at
 * every restart). Floats are 4 bytes; B rows, T block size, C width, H heads, L layers, V vocabulary,
 * P parameters.
 *
 * <p>What lives at the peak of a training step: every forward output of the step (DJL keeps them
 * in the step's scope until it closes, and autograd needs most of them), per token and layer about
 * 26 C floats (LayerNorms, q k v, contiguous copies, projections, the 4C MLP and its GELU) and
 * 6 H T for attention (scores, scaled, masked, softmax; 2 more with attention dropout); per token
 * 5 V for logits, log-probabilities and their gradients (one more with label smoothing); and
 * 14 P for weights, gradients, AdamW's two moments and the update's temporaries. Evaluation keeps
 * one forward's outputs without gradients: 26 C and 4.5 H T per token and layer, 2.5 V per token,
 * and the weights. A 10% margin covers the allocator. The coefficients were measured with
 * MemoryProbe (lm tests), which MemoryEstimateTest keeps honest: measured <= estimate <= 1.6 x measured.
 */
public final class MemoryEstimate {

    static final double MARGIN = 1.10;

    private MemoryEstimate() {
    }

    /** Peak bytes of one training step with {@code rows} sequences of the block size. */
    public static long trainingBytes(GptConfig c, int rows, boolean labelSmoothing) {
        double tokens = (double) rows * c.blockSize();
        double perLayer = (26 + (c.residualDropout() > 0 ? 2 : 0)) * (double) c.width()
                + (6 + (c.attentionDropout() > 0 ? 2 : 0)) * (double) c.heads() * c.blockSize();
        double perToken = c.layers() * perLayer + (5 + (labelSmoothing ? 1 : 0)) * (double) c.vocabSize() + 4.0 * c.width();
        double floats = 14.0 * c.expectedParameterCount() + tokens * perToken;
        return bytes(floats);
    }

    /** Peak bytes of evaluating {@code rows} sequences in one forward pass. */
    public static long evaluationBytes(GptConfig c, int rows) {
        double tokens = (double) rows * c.blockSize();
        double perLayer = 26.0 * c.width() + 4.5 * c.heads() * c.blockSize();
        double floats = c.expectedParameterCount() + tokens * (c.layers() * perLayer + 2.5 * c.vocabSize() + 4.0 * c.width());
        return bytes(floats);
    }

    /** The most rows per forward pass (at most {@code maxRows}, at least 1) whose evaluation fits {@code budget} bytes. */
    public static int rowsWithin(GptConfig c, long budget, int maxRows) {
        int rows = maxRows;
        while (rows > 1 && evaluationBytes(c, rows) > budget) {
            rows = Math.max(1, rows / 2);
        }
        return rows;
    }

    /** Bytes of one checkpoint on disk: parameters and AdamW's two moments as floats, plus metadata. */
    public static long checkpointBytes(long parameters) {
        return 12 * parameters + 64 * 1024;
    }

    private static long bytes(double floats) {
        return (long) Math.ceil(floats * 4 * MARGIN);
    }

    /** For messages: 1.5 GiB, 300 MiB, 12 KiB. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
