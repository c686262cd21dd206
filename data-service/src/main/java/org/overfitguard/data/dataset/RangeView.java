package org.overfitguard.data.dataset;

import org.overfitguard.data.store.StoredCorpus;

/** A contiguous range of a stored corpus: a tail split's sides, a data.heldout_path part, a max_chars cut. */
final class RangeView implements TokenView {

    private final StoredCorpus corpus;
    private final long from;
    private final long size;

    RangeView(StoredCorpus corpus, long from, long size) {
        this.corpus = corpus;
        this.from = from;
        this.size = size;
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
        corpus.read(from + at, dst, off, n);
    }
}
