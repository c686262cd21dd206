package org.overfitguard.text.augment;

/**
 * What augmentation did, for metrics: the units seen (words, sentences, tokens) and how many of each
 * operation fired. Summed over a batch with {@link #plus}.
 *
 * @param words         words in the input text
 * @param sentences     sentences in the input text
 * @param synonyms      words replaced by a synonym
 * @param deletions     words deleted one by one
 * @param swaps         swaps of a word with its right neighbour
 * @param reorders      sentences moved
 * @param spanDeletions deleted spans started (a span covers 1..spanLength words)
 * @param tokens        input tokens seen by token masking
 * @param masked        tokens corrupted by token masking
 */
public record AugmentationCounts(long words, long sentences, long synonyms, long deletions, long swaps,
                                 long reorders, long spanDeletions, long tokens, long masked) {

    public static final AugmentationCounts ZERO = new AugmentationCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

    public AugmentationCounts {
        if (words < 0 || sentences < 0 || synonyms < 0 || deletions < 0 || swaps < 0 || reorders < 0
                || spanDeletions < 0 || tokens < 0 || masked < 0) {
            throw new IllegalArgumentException(String.format("augmentation counts must be >= 0, were words=%d sentences=%d"
                    + " synonyms=%d deletions=%d swaps=%d reorders=%d spanDeletions=%d tokens=%d masked=%d",
                    words, sentences, synonyms, deletions, swaps, reorders, spanDeletions, tokens, masked));
        }
    }

    public AugmentationCounts plus(AugmentationCounts other) {
        return new AugmentationCounts(words + other.words, sentences + other.sentences, synonyms + other.synonyms,
                deletions + other.deletions, swaps + other.swaps, reorders + other.reorders,
                spanDeletions + other.spanDeletions, tokens + other.tokens, masked + other.masked);
    }
}
