package org.overfitguard.data.dataset;

/**
 * One side of a split as a sequence of tokens: position 0 .. size - 1 in corpus order, read straight
 * from the store's memory maps. Both sides of a split together never hold a token twice.
 */
public interface TokenView {

    long size();

    /** Tokens {@code at} .. {@code at + n - 1} of this view into {@code dst} from {@code off}. */
    void read(long at, int[] dst, int off, int n);

    default int[] read(long at, int n) {
        int[] out = new int[n];
        read(at, out, 0, n);
        return out;
    }
}
