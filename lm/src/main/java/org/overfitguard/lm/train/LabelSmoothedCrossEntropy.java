package org.overfitguard.lm.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;
import org.overfitguard.lm.model.Scalars;

/**
 * Cross-entropy against smoothed targets q = (1 - eps) * onehot(y) + eps / V, which is
 * <pre>
 * loss = (1 - eps) * (-log p_y) + eps * mean_i(-log p_i)
 * </pre>
 * averaged over every token, so it does not depend on batch size. eps = 0 is plain cross-entropy.
 * Labels: (B, T) token ids; predictions: logits (B, T, V).
 */
public final class LabelSmoothedCrossEntropy extends Loss {

    private final float epsilon;

    public LabelSmoothedCrossEntropy(double epsilon) {
        super(epsilon == 0 ? "cross_entropy" : "label_smoothed_cross_entropy");
        if (!(epsilon >= 0 && epsilon < 1)) {
            throw new IllegalArgumentException("label smoothing must be in [0, 1), was " + epsilon);
        }
        this.epsilon = (float) epsilon;
    }

    @Override
    public NDArray evaluate(NDList labels, NDList predictions) {
        NDArray logits = predictions.singletonOrThrow();
        NDArray logp = CrossEntropy.logProbabilities(logits);                 // (N, V)
        NDArray nll = CrossEntropy.pickNegative(logp, labels.singletonOrThrow()); // (N, 1)
        if (epsilon == 0) {
            return nll.mean();
        }
        NDArray uniform = logp.mean(new int[] {1}, true).neg();              // (N, 1)
        return Scalars.times(nll, 1 - epsilon).add(Scalars.times(uniform, epsilon)).mean();
    }
}
