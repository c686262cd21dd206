package org.overfitguard.text.augment;

import java.util.Random;

/**
 * Token masking on a training window's inputs, BERT-style: the model must predict the next token from
 * a context with holes. Only inputs are corrupted; the caller keeps the original next tokens as targets.
 */
public final class TokenMasker {

    /** @param inputs the corrupted copy; @param masked how many positions were corrupted */
    public record Result(int[] inputs, long masked) {
    }

    private TokenMasker() {
    }

    /**
     * Each position, with probability {@code rate}, is replaced: with probability {@code randomFraction}
     * by a uniform id in [0, vocabSize) other than the mask id, else by {@code maskId}. The random share
     * keeps the model from learning that only the mask symbol is ever wrong. {@code inputs} is not modified.
     */
    public static Result mask(int[] inputs, double rate, double randomFraction, int maskId, int vocabSize, Random random) {
        if (!(rate >= 0 && rate <= 1)) {
            throw new IllegalArgumentException("token mask rate must be in [0, 1], was " + rate);
        }
        if (!(randomFraction >= 0 && randomFraction <= 1)) {
            throw new IllegalArgumentException("mask random fraction must be in [0, 1], was " + randomFraction);
        }
        if (maskId < 0 || maskId >= vocabSize) {
            throw new IllegalArgumentException("mask id must be in [0, vocabSize " + vocabSize + "), was " + maskId);
        }
        if (randomFraction > 0 && vocabSize < 2) {
            throw new IllegalArgumentException("random replacement needs vocabSize >= 2 (an id besides the mask), was " + vocabSize);
        }
        int[] out = inputs.clone();
        long masked = 0;
        if (rate == 0) {
            return new Result(out, 0);
        }
        for (int i = 0; i < out.length; i++) {
            if (random.nextDouble() < rate) {
                masked++;
                if (random.nextDouble() < randomFraction) {
                    int id = random.nextInt(vocabSize - 1); // one fewer: the mask id is skipped below
                    out[i] = id >= maskId ? id + 1 : id;
                } else {
                    out[i] = maskId;
                }
            }
        }
        return new Result(out, masked);
    }
}
