package org.overfitguard.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overfitguard.text.augment.TokenMasker;

class TokenMaskerTest {

    private static final int VOCAB = 100;
    private static final int MASK = 42;
    private static final int N = 200_000;

    /** Ids in [0, VOCAB) without the mask id, so every mask in the output was put there. */
    private static int[] inputs() {
        Random random = new Random(99);
        int[] ids = new int[N];
        for (int i = 0; i < N; i++) {
            int id = random.nextInt(VOCAB - 1);
            ids[i] = id >= MASK ? id + 1 : id;
        }
        return ids;
    }

    // Tolerance: 4 binomial standard deviations, 4 * sqrt(p (1 - p) / n); fixed seeds keep it deterministic.
    private static double tolerance(double p, long n) {
        return 4 * Math.sqrt(p * (1 - p) / n);
    }

    @Test
    void rateZeroReturnsAnEqualCopy() {
        int[] in = inputs();
        TokenMasker.Result r = TokenMasker.mask(in, 0, 0.2, MASK, VOCAB, new Random(1));
        assertArrayEquals(in, r.inputs());
        assertNotSame(in, r.inputs());
        assertEquals(0, r.masked());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3})
    void corruptsTheRightShareWithTheRightRandomFractionAndLeavesTheCallerArrayAlone(double rate) {
        int[] in = inputs();
        int[] before = in.clone();
        double randomFraction = 0.2;
        TokenMasker.Result r = TokenMasker.mask(in, rate, randomFraction, MASK, VOCAB, new Random(5));
        assertArrayEquals(before, in, "the caller's array (the targets' source) is untouched");

        assertEquals(rate, (double) r.masked() / N, tolerance(rate, N));
        long masks = 0;
        long changed = 0;
        for (int i = 0; i < N; i++) {
            int id = r.inputs()[i];
            assertTrue(id >= 0 && id < VOCAB, "id out of range: " + id);
            masks += id == MASK ? 1 : 0;
            changed += id != in[i] ? 1 : 0;
        }
        long random = r.masked() - masks; // random replacements never produce the mask id
        assertEquals(randomFraction, (double) random / r.masked(), tolerance(randomFraction, r.masked()));
        // a random replacement equals the original 1 time in 99
        assertTrue(changed <= r.masked() && changed >= r.masked() - random / 20, changed + " vs " + r.masked());
    }

    @Test
    void randomFractionExtremes() {
        int[] in = inputs();
        TokenMasker.Result onlyMask = TokenMasker.mask(in, 0.2, 0, MASK, VOCAB, new Random(2));
        long masks = java.util.Arrays.stream(onlyMask.inputs()).filter(id -> id == MASK).count();
        assertEquals(onlyMask.masked(), masks);
        TokenMasker.Result onlyRandom = TokenMasker.mask(in, 0.2, 1, MASK, VOCAB, new Random(2));
        assertTrue(onlyRandom.masked() > 0);
        assertTrue(java.util.Arrays.stream(onlyRandom.inputs()).noneMatch(id -> id == MASK));
    }

    @Test
    void rejectsInvalidArguments() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TokenMasker.mask(new int[3], 0.1, 0.2, 100, 100, new Random(1)));
        assertTrue(e.getMessage().contains("100"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> TokenMasker.mask(new int[3], 1.5, 0.2, 1, 10, new Random(1)));
        assertTrue(e.getMessage().contains("1.5"), e.getMessage());
    }
}
