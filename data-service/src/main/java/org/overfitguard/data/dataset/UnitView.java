package org.overfitguard.data.dataset;

import java.util.BitSet;
import org.overfitguard.data.store.StoredCorpus;

/**
 * One side of a random split: the units whose bit is set, joined in corpus order. Memory is one bit
 * per unit and one count per {@value #STRIDE} units; a position is found by a binary search over
 * those counts and a scan of at most {@value #STRIDE} units.
 */
final class UnitView implements TokenView {

    static final int STRIDE = 1024;

    private final StoredCorpus corpus;
    private final Units units;
    private final BitSet chosen;
    /** tokens of chosen units before unit k * STRIDE */
    private final long[] before;
    private final long size;

    UnitView(StoredCorpus corpus, Units units, BitSet chosen) {
        this.corpus = corpus;
        this.units = units;
        this.chosen = chosen;
        long n = units.count();
        this.before = new long[(int) ((n + STRIDE - 1) / STRIDE) + 1];
        long total = 0;
        for (long u = 0; u < n; u++) {
            if (u % STRIDE == 0) {
                before[(int) (u / STRIDE)] = total;
            }
            if (chosen.get((int) u)) {
                total += units.length(u);
            }
        }
        before[before.length - 1] = total;
        this.size = total;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public void read(long at, int[] dst, int off, int n) {
        if (at < 0 || at + n > size) {
            throw new IndexOutOfBoundsException("tokens " + at + " .. " + (at + n) + " of a view of " + size);
        }
        int lo = 0;
        int hi = before.length - 2;
        while (lo < hi) { // the last stride whose first unit starts at or before at
            int mid = (lo + hi + 1) >>> 1;
            if (before[mid] <= at) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        long u = (long) lo * STRIDE;
        long seen = before[lo];
        while (n > 0) {
            if (chosen.get((int) u)) {
                long length = units.length(u);
                if (at < seen + length) {
                    long in = at - seen;
                    int take = (int) Math.min(n, length - in);
                    corpus.read(units.start(u) + in, dst, off, take);
                    off += take;
                    n -= take;
                    at += take;
                }
                seen += length;
            }
            u++;
        }
    }
}
