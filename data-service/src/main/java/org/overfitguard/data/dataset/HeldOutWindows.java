package org.overfitguard.data.dataset;

import org.overfitguard.contracts.batch.TokenBatch;

/**
 * The held-out windows a run's evaluations score: non-overlapping windows of block_size + 1 tokens
 * of the held-out side, all of them, or (evaluation.max_tokens smaller than the side) {@code count}
 * of them spread evenly over it: window j is the side's window floor(j x available / count), the
 * same every time. Records are made when asked for, so a large set is never whole on the heap.
 */
public final class HeldOutWindows {

    private final String runId;
    private final TokenView side;
    private final int window;
    private final long available;
    private final int count;
    private final int perRecord;

    HeldOutWindows(String runId, TokenView side, int window, long available, int count, int perRecord) {
        this.runId = runId;
        this.side = side;
        this.window = window;
        this.available = available;
        this.count = count;
        this.perRecord = perRecord;
    }

    /** Windows scored by each evaluation. */
    public int count() {
        return count;
    }

    /** Whole windows in the held-out side. */
    public long available() {
        return available;
    }

    public int records() {
        return (count + perRecord - 1) / perRecord;
    }

    /** Scored tokens: block_size per window. */
    public long tokens() {
        return (long) count * (window - 1);
    }

    /** Record {@code r}: windows r x perRecord .. of the scored ones, as inputs and next-token targets. */
    public TokenBatch record(int r) {
        int first = r * perRecord;
        int rows = Math.min(perRecord, count - first);
        int t = window - 1;
        int[] inputs = new int[rows * t];
        int[] targets = new int[rows * t];
        int[] w = new int[window];
        for (int i = 0; i < rows; i++) {
            side.read(windowIndex(first + i) * window, w, 0, window);
            System.arraycopy(w, 0, inputs, i * t, t);
            System.arraycopy(w, 1, targets, i * t, t);
        }
        return new TokenBatch(runId, r, true, rows, t, inputs, targets);
    }

    long windowIndex(long j) {
        return count == available ? j : (long) Math.floor((double) j * available / count);
    }
}
