package org.overfitguard.contracts.batch;

import java.util.Arrays;
import java.util.Objects;

/**
 * A batch of token windows: {@code inputs[r][t]} predicts {@code targets[r][t]}. Stored row-major in
 * flat arrays of length rows * cols. Training batches have index k = the training step that consumes
 * them; held-out records are numbered from 0 and flagged {@link #heldOut()}.
 */
public record TokenBatch(String runId, long index, boolean heldOut, int rows, int cols, int[] inputs, int[] targets) {

    public TokenBatch {
        Objects.requireNonNull(runId, "runId");
        if (rows <= 0 || cols <= 0) {
            throw new IllegalArgumentException("batch shape must be positive, was " + rows + " x " + cols);
        }
        if (inputs.length != rows * cols || targets.length != rows * cols) {
            throw new IllegalArgumentException("inputs and targets must hold rows x cols = " + rows * cols
                    + " tokens, were " + inputs.length + " and " + targets.length);
        }
    }

    public int tokens() {
        return rows * cols;
    }

    /** The largest token id in inputs or targets. */
    public int maxTokenId() {
        int max = 0;
        for (int i = 0; i < inputs.length; i++) {
            max = Math.max(max, Math.max(inputs[i], targets[i]));
        }
        return max;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenBatch b && runId.equals(b.runId) && index == b.index && heldOut == b.heldOut
                && rows == b.rows && cols == b.cols && Arrays.equals(inputs, b.inputs) && Arrays.equals(targets, b.targets);
    }

    @Override
    public int hashCode() {
        return Objects.hash(runId, index, heldOut, rows, cols, Arrays.hashCode(inputs), Arrays.hashCode(targets));
    }

    @Override
    public String toString() {
        return "TokenBatch[" + runId + " #" + index + (heldOut ? " held-out" : "") + " " + rows + "x" + cols + "]";
    }
}
