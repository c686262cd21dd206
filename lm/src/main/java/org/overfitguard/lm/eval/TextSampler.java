package org.overfitguard.lm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.Arrays;
import java.util.Random;
import java.util.function.IntPredicate;
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
        return sample(model, prompt, count, temperature, 0, -1, seed, id -> true);
    }

    /**
     * As above, from the {@code topK} most likely tokens only (0: all of them), never {@code neverId}
     * (the mask token, which stands for no text; -1: none), greedy at temperature 0, handing each token to {@code onToken} as soon as it is drawn; stops early when that returns
     * false (the reader went away). Same model, prompt, settings and seed: same tokens.
     */
    public static int[] sample(GptModel model, int[] prompt, int count, double temperature, int topK, int neverId, long seed,
                               IntPredicate onToken) {
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
            if (neverId >= 0 && neverId < logits.length) {
                logits[neverId] = Float.NEGATIVE_INFINITY;
            }
            int next = pick(logits, temperature, topK, random);
            tokens[length++] = next;
            if (!onToken.test(next)) {
                break;
            }
        }
        return Arrays.copyOf(tokens, length);
    }

    static int pick(float[] logits, double temperature, int topK, Random random) {
        double max = Double.NEGATIVE_INFINITY;
        int argmax = 0;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > max) {
                max = logits[i];
                argmax = i;
            }
        }
        if (temperature == 0) {
            return argmax;
        }
        // below the k-th largest logit a token cannot be drawn (ties at the k-th all stay)
        double floor = topK > 0 && topK < logits.length ? kthLargest(logits, topK) : Double.NEGATIVE_INFINITY;
        double[] weights = new double[logits.length];
        double total = 0;
        for (int i = 0; i < logits.length; i++) {
            weights[i] = logits[i] < floor ? 0 : Math.exp((logits[i] - max) / temperature);
            total += weights[i];
        }
        double u = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            u -= weights[i];
            if (u <= 0 && weights[i] > 0) {
                return i;
            }
        }
        int last = weights.length - 1; // rounding left u above 0: the last token that could be drawn
        while (last > 0 && weights[last] == 0) {
            last--;
        }
        return last;
    }

    private static double kthLargest(float[] logits, int k) {
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        return sorted[sorted.length - k];
    }
}
