package org.overfitguard.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

/** Plain next-token cross-entropy pieces shared by training metrics and held-out evaluation. */
public final class CrossEntropy {

    private CrossEntropy() {
    }

    /** (B, T, V) logits to (N, V) log-probabilities, N = B * T. */
    static NDArray logProbabilities(NDArray logits) {
        long v = logits.getShape().get(logits.getShape().dimension() - 1);
        return logits.reshape(-1, v).logSoftmax(1);
    }

    /** -log p[target] per token: (N, V) log-probabilities and (B, T) targets to (N, 1). */
    static NDArray pickNegative(NDArray logp, NDArray targets) {
        return logp.gather(targets.reshape(-1, 1).toType(DataType.INT64, false), 1).neg();
    }

    /** Per-token negative log-likelihood (N, 1), natural log. */
    public static NDArray perToken(NDArray logits, NDArray targets) {
        return pickNegative(logProbabilities(logits), targets);
    }

    /** Mean plain cross-entropy over all tokens. */
    public static double mean(NDArray logits, NDArray targets) {
        return perToken(logits, targets).mean().getFloat();
    }
}
