package org.overfitguard.data.dataset;

import java.util.Arrays;
import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.AugmentationSpec;
import org.overfitguard.text.augment.AugmentationCounts;
import org.overfitguard.text.augment.SynonymSource;
import org.overfitguard.text.augment.TextAugmenter;
import org.overfitguard.text.augment.TokenMasker;

/**
 * Training batch k as a pure function of (run seed, k): every random draw comes from a generator
 * seeded with splitmix64(seed, k), so a restarted data-service regenerates byte-identical batches,
 * whatever the corpus' size (the windows are read from the store's memory maps).
 *
 * <p>Without text augmentation a row is a random window of the training view. With it, a row is a
 * random slice of the training view, about twice the tokens a window needs, decoded back to its
 * text (the store keeps tokens only: text is their decoding), cut at word boundaries, rewritten by
 * the augmenter and tokenized again: inputs and targets both come from the augmented text. Token
 * masking then corrupts inputs only; targets stay the true next tokens.
 */
public final class BatchFactory {

    private static final long SALT = 0xBA7C4E5L;

    /** A batch and what augmentation did to it. */
    public record Made(TokenBatch batch, AugmentationCounts counts) {
    }

    private final Dataset dataset;
    private final TokenView train;
    private final AugmentationSpec augmentation;
    private final TextAugmenter augmenter;
    private final int rows;
    private final int cols;
    private final int sliceTokens;

    public BatchFactory(Dataset dataset, SynonymSource synonyms) {
        this.dataset = dataset;
        this.train = dataset.train();
        this.augmentation = dataset.spec().augmentation();
        this.augmenter = augmentation.anyTextLevel()
                ? new TextAugmenter(augmentation, augmentation.synonymRate() > 0 ? synonyms : null) : null;
        this.rows = dataset.spec().training().batchSize();
        this.cols = dataset.spec().model().blockSize();
        this.sliceTokens = (int) Math.min(train.size(), 2L * (cols + 1) + 32);
    }

    public Made batch(long k) {
        Random random = new Random(splitmix64(dataset.spec().seed() ^ SALT, k));
        int[] inputs = new int[rows * cols];
        int[] targets = new int[rows * cols];
        AugmentationCounts counts = AugmentationCounts.ZERO;
        for (int r = 0; r < rows; r++) {
            Window w = augmenter == null ? new Window(tokenWindow(random), AugmentationCounts.ZERO)
                    : augmentedWindow(random.nextLong());
            int[] window = w.tokens();
            counts = counts.plus(w.counts());
            int[] in = Arrays.copyOf(window, cols);
            if (augmentation.tokenMaskRate() > 0) {
                TokenMasker.Result masked = TokenMasker.mask(in, augmentation.tokenMaskRate(), augmentation.maskRandomFraction(),
                        dataset.tokenizer().maskId(), dataset.tokenizer().vocabSize(), new Random(random.nextLong()));
                in = masked.inputs();
                counts = counts.plus(new AugmentationCounts(0, 0, 0, 0, 0, 0, 0, cols, masked.masked()));
            }
            System.arraycopy(in, 0, inputs, r * cols, cols);
            System.arraycopy(window, 1, targets, r * cols, cols);
        }
        return new Made(new TokenBatch(dataset.runId(), k, false, rows, cols, inputs, targets), counts);
    }

    private record Window(int[] tokens, AugmentationCounts counts) {
    }

    private int[] tokenWindow(Random random) {
        return train.read(below(random, train.size() - cols), cols + 1);
    }

    /** Uniform in [0, bound): Random.nextInt where it fits (the draws of corpora under 2^31 tokens are what they always were). */
    static long below(Random random, long bound) {
        return bound <= Integer.MAX_VALUE ? random.nextInt((int) bound) : random.nextLong(bound);
    }

    /** cols + 1 tokens of an augmented slice of the training view; grows the slice if augmentation shrank it too much. */
    private Window augmentedWindow(long seed) {
        Random random = new Random(seed);
        long length = sliceTokens;
        while (true) {
            long start = train.size() > length ? below(random, train.size() - length + 1) : 0;
            String text = dataset.tokenizer().decode(train.read(start, (int) length));
            String slice = wordAligned(text, start > 0, start + length < train.size());
            TextAugmenter.Result augmented = augmenter.augment(slice, new Random(random.nextLong()));
            int[] tokens = dataset.tokenizer().encode(augmented.text());
            if (tokens.length >= cols + 1) {
                return new Window(Arrays.copyOf(tokens, cols + 1), augmented.counts());
            }
            if (length >= train.size() || length >= 1 << 24) { // the whole view augmented is still too short: use it unaugmented
                return new Window(train.read(0, cols + 1), AugmentationCounts.ZERO);
            }
            length = Math.min(train.size(), length * 2);
        }
    }

    /**
     * The text without the word it may begin inside ({@code cutAtStart}: the slice began at a token
     * that is not the view's first) and without the word it may end inside ({@code cutAtEnd}).
     */
    static String wordAligned(String text, boolean cutAtStart, boolean cutAtEnd) {
        int from = 0;
        if (cutAtStart) {
            while (from < text.length() && !Character.isWhitespace(text.charAt(from))) {
                from++;
            }
            while (from < text.length() && Character.isWhitespace(text.charAt(from))) {
                from++;
            }
        }
        int to = text.length();
        if (cutAtEnd) {
            while (to > from && !Character.isWhitespace(text.charAt(to - 1))) {
                to--;
            }
        }
        return text.substring(from, Math.max(from, to));
    }

    static long splitmix64(long seed, long k) {
        long z = seed + k * 0x9E3779B97F4A7C15L + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
