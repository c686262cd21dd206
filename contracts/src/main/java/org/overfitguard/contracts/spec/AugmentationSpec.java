package org.overfitguard.contracts.spec;

/**
 * Text and token augmentations, applied to the training split only, each with its own rate and a
 * seed derived from (run seed, batch index). A rate of 0 turns one off.
 *
 * @param synonymRate        share of words replaced by a WordNet synonym (when they have one)
 * @param deletionRate       share of words deleted
 * @param swapRate           share of words swapped with a neighbour
 * @param reorderRate        share of sentences moved within {@code reorderWindow}
 * @param reorderWindow      how far (in sentences) a reordered sentence may move
 * @param spanDeletionRate   share of words starting a deleted span
 * @param spanLength         longest deleted span, in words
 * @param tokenMaskRate      share of input tokens corrupted (targets stay the original next tokens)
 * @param maskRandomFraction of the corrupted tokens, the share replaced by a random token instead of the mask token
 */
public record AugmentationSpec(
        double synonymRate,
        double deletionRate,
        double swapRate,
        double reorderRate,
        int reorderWindow,
        double spanDeletionRate,
        int spanLength,
        double tokenMaskRate,
        double maskRandomFraction) {

    public static AugmentationSpec defaults() {
        return new AugmentationSpec(0, 0, 0, 0, 3, 0, 4, 0, 0.2);
    }

    public boolean anyTextLevel() {
        return synonymRate > 0 || deletionRate > 0 || swapRate > 0 || reorderRate > 0 || spanDeletionRate > 0;
    }

    public boolean any() {
        return anyTextLevel() || tokenMaskRate > 0;
    }
}
