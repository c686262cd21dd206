package org.overfitguard.data.dataset;

import java.util.Random;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.AugmentationSpec;
import org.overfitguard.text.augment.AugmentationCounts;
import org.overfitguard.text.augment.SynonymSource;
import org.overfitguard.text.augment.TextAugmenter;
import org.overfitguard.text.augment.TokenMasker;

/**
 * Training batch k as a pure function of (run seed, k): every random draw comes from a generator
 * seeded with splitmix64(seed, k), so a restarted data-service regenerates byte-identical batches.
 *
 * <p>Without text augmentation a row is a random window of the training tokens. With it, a row is
 * a random slice of the training text (about twice the characters a window needs, cut at word
 * boundaries) rewritten by the augmenter and then tokenized: inputs and targets both come from the
 * augmented text. Token masking then corrupts inputs only; targets stay the true next tokens.
 */
public final class BatchFactory {

    private static final long SALT = 0xBA7C4E5L;

    /** A batch and what augmentation did to it. */
    public record Made(TokenBatch batch, AugmentationCounts counts) {
    }

    private final Dataset dataset;
    private final AugmentationSpec augmentation;
    private final TextAugmenter augmenter;
    private final int rows;
    private final int cols;
    private final int sliceChars;

    public BatchFactory(Dataset dataset, SynonymSource synonyms) {
        this.dataset = dataset;
        this.augmentation = dataset.spec().augmentation();
        this.augmenter = augmentation.anyTextLevel()
                ? new TextAugmenter(augmentation, augmentation.synonymRate() > 0 ? synonyms : null) : null;
        this.rows = dataset.spec().training().batchSize();
        this.cols = dataset.spec().model().blockSize();
        this.sliceChars = (int) Math.ceil((cols + 1) * dataset.charsPerToken() * 2) + 32;
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
            int[] in = java.util.Arrays.copyOf(window, cols);
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
        int start = random.nextInt(dataset.trainTokens().length - cols);
        return DatasetBuilder.slice(dataset.trainTokens(), start, cols + 1);
    }

    /** cols + 1 tokens of an augmented slice of the training text; grows the slice if augmentation shrank it too much. */
    private Window augmentedWindow(long seed) {
        Random random = new Random(seed);
        String text = dataset.trainText();
        int length = Math.min(sliceChars, text.length());
        while (true) {
            int start = text.length() > length ? random.nextInt(text.length() - length + 1) : 0;
            String slice = wordAligned(text, start, length);
            TextAugmenter.Result augmented = augmenter.augment(slice, new Random(random.nextLong()));
            int[] tokens = dataset.tokenizer().encode(augmented.text());
            if (tokens.length >= cols + 1) {
                return new Window(DatasetBuilder.slice(tokens, 0, cols + 1), augmented.counts());
            }
            if (length >= text.length()) { // the whole text augmented is still too short: use it unaugmented
                return new Window(DatasetBuilder.slice(dataset.trainTokens(), 0, cols + 1), AugmentationCounts.ZERO);
            }
            length = Math.min(text.length(), length * 2);
        }
    }

    /** The slice from the first word start at or after {@code start}, to a word end near start + length. */
    static String wordAligned(String text, int start, int length) {
        int from = start;
        if (from > 0 && !Character.isWhitespace(text.charAt(from - 1))) {
            while (from < text.length() && !Character.isWhitespace(text.charAt(from))) {
                from++;
            }
            while (from < text.length() && Character.isWhitespace(text.charAt(from))) {
                from++;
            }
        }
        int to = Math.min(text.length(), from + length);
        while (to < text.length() && !Character.isWhitespace(text.charAt(to))) {
            to++;
        }
        return text.substring(Math.min(from, to), to);
    }

    static long splitmix64(long seed, long k) {
        long z = seed + k * 0x9E3779B97F4A7C15L + 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
