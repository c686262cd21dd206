package org.overfitguard.contracts.spec;

/**
 * The regularizers that live in the model and its loss. Early stopping has its own section, and data
 * augmentation too.
 *
 * @param dropout        dropout rates
 * @param weightDecay    decoupled AdamW decay coefficient, applied to weight matrices only
 * @param weightTying    the output projection is the token embedding (one parameter)
 * @param labelSmoothing epsilon of the training loss; held-out loss is always reported unsmoothed
 */
public record RegularizationSpec(DropoutSpec dropout, double weightDecay, boolean weightTying, double labelSmoothing) {

    public static RegularizationSpec defaults() {
        return new RegularizationSpec(DropoutSpec.none(), 0, false, 0);
    }
}
