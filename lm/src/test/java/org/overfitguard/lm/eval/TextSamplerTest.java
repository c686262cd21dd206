package org.overfitguard.lm.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Drawing one token: temperature, top-k and the seed. */
class TextSamplerTest {

    static final float[] LOGITS = {0.5f, 2.0f, -1.0f, 1.9f, 0.1f};

    @Test
    void temperatureZeroIsTheArgmaxAndDrawsNothing() {
        Random r = new Random(1);
        for (int i = 0; i < 100; i++) {
            assertEquals(1, TextSampler.pick(LOGITS, 0, 0, r));
        }
        assertEquals(new Random(1).nextDouble(), r.nextDouble(), "no draw was taken from the seed");
    }

    @Test
    void topKDrawsOnlyFromTheKMostLikely() {
        Random r = new Random(2);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            seen.add(TextSampler.pick(LOGITS, 5.0, 2, r));
        }
        assertEquals(Set.of(1, 3), seen);
        Set<Integer> all = new HashSet<>();
        for (int i = 0; i < 2000; i++) {
            all.add(TextSampler.pick(LOGITS, 5.0, 0, r));
        }
        assertEquals(Set.of(0, 1, 2, 3, 4), all, "top_k 0 keeps every token");
        for (int i = 0; i < 100; i++) {
            assertEquals(1, TextSampler.pick(LOGITS, 5.0, 1, r));
        }
    }

    @Test
    void theSameSeedDrawsTheSameTokens() {
        Random a = new Random(7);
        Random b = new Random(7);
        for (int i = 0; i < 200; i++) {
            assertEquals(TextSampler.pick(LOGITS, 0.8, 3, a), TextSampler.pick(LOGITS, 0.8, 3, b));
        }
    }
}
