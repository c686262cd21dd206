package org.overfitguard.contracts.spec;

/**
 * The regularizers that live in the model and its loss. Early stopping has its own section, and data
 * augmentation too.
 *
 * @param dropout            dropout rates
 * @param weightDecay        λ, applied to weight matrices only (never biases, norm gains or shifts)
 * @param weightTying        the output projection is the token embedding (one parameter)
 * @param labelSmoothing     epsilon of the training loss; held-out loss is always reported unsmoothed
 * @param weightDecayMode    decoupled (AdamW: w -= lr·λ·w beside the Adam step) or l2 (λ/2·‖w‖² added
 *                           to the training loss, so the penalty's gradient goes through Adam's
 *                           scaling; the reported training cross-entropy stays the plain one)
 * @param labelSmoothingMode uniform (ε spread over all V classes, the true one included, as PyTorch
 *                           does) or others (ε spread over the V−1 wrong classes only)
 */
public record RegularizationSpec(DropoutSpec dropout, double weightDecay, boolean weightTying, double labelSmoothing,
                                 WeightDecayMode weightDecayMode, LabelSmoothingMode labelSmoothingMode) {

    public enum WeightDecayMode { DECOUPLED, L2 }

    public enum LabelSmoothingMode { UNIFORM, OTHERS }

    public static RegularizationSpec defaults() {
        return new RegularizationSpec(DropoutSpec.none(), 0, false, 0, WeightDecayMode.DECOUPLED, LabelSmoothingMode.UNIFORM);
    }

    public RegularizationSpec withDropout(DropoutSpec d) {
        return new RegularizationSpec(d, weightDecay, weightTying, labelSmoothing, weightDecayMode, labelSmoothingMode);
    }

    public RegularizationSpec withWeightDecay(double lambda, WeightDecayMode mode) {
        return new RegularizationSpec(dropout, lambda, weightTying, labelSmoothing, mode, labelSmoothingMode);
    }

    public RegularizationSpec withWeightTying(boolean tied) {
        return new RegularizationSpec(dropout, weightDecay, tied, labelSmoothing, weightDecayMode, labelSmoothingMode);
    }

    public RegularizationSpec withLabelSmoothing(double epsilon, LabelSmoothingMode mode) {
        return new RegularizationSpec(dropout, weightDecay, weightTying, epsilon, weightDecayMode, mode);
    }
}
