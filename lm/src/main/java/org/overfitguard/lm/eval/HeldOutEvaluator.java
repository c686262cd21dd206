package org.overfitguard.lm.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.GradMode;
import org.overfitguard.lm.train.CrossEntropy;

/**
 * Scores a model on held-out windows: no dropout (forward with training = false), sums over every
 * token before dividing, so the result does not depend on how many rows go through one forward pass.
 */
public final class HeldOutEvaluator {

    private HeldOutEvaluator() {
    }

    /**
     * @param heldOut       held-out records; each row is one window
     * @param maxTokens     stop after this many tokens (whole rows); 0 = all
     * @param rowsPerForward rows per forward pass (memory only; the result is the same)
     */
    public static HeldOutScore evaluate(GptModel model, List<TokenBatch> heldOut, long maxTokens, int rowsPerForward) {
        return evaluate(model, heldOut, maxTokens, rowsPerForward, () -> { });
    }

    /** As above; {@code progress} runs before every forward pass (a long evaluation proves it is alive). */
    public static HeldOutScore evaluate(GptModel model, List<TokenBatch> heldOut, long maxTokens, int rowsPerForward,
                                        Runnable progress) {
        List<int[][]> rows = rows(heldOut, maxTokens);
        GradMode.offOnThisThread();
        if (rows.isEmpty()) {
            throw new IllegalArgumentException("no held-out tokens to evaluate");
        }
        int cols = rows.get(0)[0].length;
        double nllSum = 0;
        long correct = 0;
        long tokens = 0;
        for (int start = 0; start < rows.size(); start += rowsPerForward) {
            progress.run();
            int n = Math.min(rowsPerForward, rows.size() - start);
            int[] inputs = new int[n * cols];
            int[] targets = new int[n * cols];
            for (int r = 0; r < n; r++) {
                System.arraycopy(rows.get(start + r)[0], 0, inputs, r * cols, cols);
                System.arraycopy(rows.get(start + r)[1], 0, targets, r * cols, cols);
            }
            try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
                scope.suppressNotUsedWarning();
                NDArray x = model.ids(m, inputs, n, cols);                     // (n, T)
                NDArray y = model.ids(m, targets, n, cols);                    // (n, T)
                NDArray logits = model.logits(x, false);                       // (n, T, V)
                nllSum += CrossEntropy.perToken(logits, y).toType(ai.djl.ndarray.types.DataType.FLOAT64, false).sum().getDouble();
                correct += logits.argMax(2).eq(y).sum().toType(ai.djl.ndarray.types.DataType.INT64, false).getLong();
            }
            tokens += (long) n * cols;
        }
        double loss = nllSum / tokens;
        return new HeldOutScore(loss, Math.exp(loss), (double) correct / tokens, tokens);
    }

    /** (inputs, targets) per window, in record order, cut at maxTokens. */
    private static List<int[][]> rows(List<TokenBatch> heldOut, long maxTokens) {
        List<int[][]> rows = new ArrayList<>();
        long tokens = 0;
        for (TokenBatch b : heldOut) {
            for (int r = 0; r < b.rows(); r++) {
                if (maxTokens > 0 && tokens + b.cols() > maxTokens && !rows.isEmpty()) {
                    return rows;
                }
                rows.add(new int[][] {Arrays.copyOfRange(b.inputs(), r * b.cols(), (r + 1) * b.cols()),
                        Arrays.copyOfRange(b.targets(), r * b.cols(), (r + 1) * b.cols())});
                tokens += b.cols();
            }
        }
        return rows;
    }
}
