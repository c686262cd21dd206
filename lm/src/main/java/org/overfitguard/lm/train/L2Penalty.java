package org.overfitguard.lm.train;

import ai.djl.ndarray.NDArray;
import java.util.List;
import org.overfitguard.lm.model.GptModel.NamedParameter;
import org.overfitguard.lm.model.Scalars;

/**
 * Weight decay in its textbook form, a penalty in the loss (weight_decay_mode l2):
 * <pre>
 * penalty = λ/2 · Σ_W ||W||²        over the matrices AdamW would decay (never biases or norm gains)
 * ∂penalty/∂W = λ·W                 added to the cross-entropy's gradient, then scaled by Adam like it
 * </pre>
 * With Adam this differs from decoupled decay (Loshchilov and Hutter 2019): the penalty's gradient is
 * divided by the same running RMS as the data's, so weights with large gradients decay less.
 */
public final class L2Penalty {

    private L2Penalty() {
    }

    /** The penalty as a scalar on the parameters' graph (its backward gives λ·W), or null when nothing decays. */
    public static NDArray of(List<NamedParameter> parameters, float lambda) {
        NDArray sum = null;
        for (NamedParameter p : parameters) {
            if (p.decays()) {
                NDArray squares = p.array().square().sum();
                sum = sum == null ? squares : sum.add(squares);
            }
        }
        return sum == null ? null : Scalars.times(sum, lambda / 2);
    }
}
