package org.overfitguard.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import org.overfitguard.contracts.spec.RegularizationSpec.LabelSmoothingMode;
import org.overfitguard.lm.model.Scalars;

/**
 * Cross-entropy against smoothed targets, averaged over every token (so it does not depend on batch
 * size); eps = 0 is plain cross-entropy. With S = sum_i(-log p_i) over the V classes:
 * <pre>
 * uniform: q = (1 - eps) onehot(y) + eps / V          loss = (1 - eps)(-log p_y) + eps / V * S
 * others:  q = (1 - eps) onehot(y) + eps / (V - 1)    loss = (1 - eps)(-log p_y) + eps / (V - 1) * (S - (-log p_y))
 *          on every class but y
 * </pre>
 * Labels: (B, T) token ids; predictions: logits (B, T, V).
 */
public final class LabelSmoothedCrossEntropy extends Loss {

    private final float epsilon;
    private final LabelSmoothingMode mode;

    public LabelSmoothedCrossEntropy(double epsilon, LabelSmoothingMode mode) {
        super(epsilon == 0 ? "cross_entropy" : "label_smoothed_cross_entropy");
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), was " + epsilon);
        }
        this.epsilon = (float) epsilon;
        this.mode = mode;
    }

    public LabelSmoothedCrossEntropy(double epsilon) {
        this(epsilon, LabelSmoothingMode.UNIFORM);
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray logp = CrossEntropy.logProbabilities(logits);                 // (N, V)
        NDArray nll = CrossEntropy.pickNegative(logp, labels.singletonOrThrow()); // (N, 1)
        if (epsilon == 0) {
            return nll.mean();
        }
        long v = logp.getShape().get(1);
        NDArray sum = logp.sum(new int[] {1}, true).neg();                    // (N, 1): S
        NDArray spread = mode == LabelSmoothingMode.UNIFORM
                ? Scalars.times(sum, epsilon / v)
                : Scalars.times(sum.sub(nll), epsilon / (v - 1));
        return Scalars.times(nll, 1 - epsilon).add(spread).mean();
    }
}
