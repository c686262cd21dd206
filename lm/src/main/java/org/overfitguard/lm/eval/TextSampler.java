package org.overfitguard.lm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import java.util.Random;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.GradMode;

/**
 * Writes a continuation of a prompt, one token at a time, from softmax(logits / temperature) with a
 * java.util.Random of a fixed seed: the same model, prompt and seed always give the same text, so
 * samples taken at different steps show what changed in the model, not in the dice.
 */
public final class TextSampler {

    private TextSampler() {
    }

    /** The prompt followed by {@code count} sampled token ids. An empty prompt starts from token 0. */
    public static int[] sample(GptModel model, int[] prompt, int count, double temperature, long seed) {
        Random random = new Random(seed);
        GradMode.offOnThisThread();
        int[] tokens = Arrays.copyOf(prompt.length == 0 ? new int[] {0} : prompt, (prompt.length == 0 ? 1 : prompt.length) + count);
        int length = prompt.length == 0 ? 1 : prompt.length;
        int blockSize = model.config().blockSize();
        for (int i = 0; i < count; i++) {
            int from = Math.max(0, length - blockSize);
            int[] context = Arrays.copyOfRange(tokens, from, length);
            float[] logits;
            try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray out = model.logits(model.ids(m, context, 1, context.length), false); // (1, t, V)
                logits = out.get(0, context.length - 1).toFloatArray();                     // (V)
            }
            tokens[length++] = pick(logits, temperature, random);
        }
        return tokens;
    }

    static int pick(float[] logits, double temperature, Random random) {
        double max = Double.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = Math.exp((logits[i] - max) / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u <= 0) {
                return i;
            }
        }
        return weights.length - 1;
    }
}
