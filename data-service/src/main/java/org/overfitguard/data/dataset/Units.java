package org.overfitguard.data.dataset;

import org.overfitguard.data.store.StoredCorpus;

/**
 * What a random split holds out, one by one: the documents of a corpus that has several, or chunks
 * of a fixed number of tokens of one that is a single document. Each has a token range (clipped
 * to a max_chars cut) and a content hash, so the split does not depend on file order and identical
 * documents fall on the same side.
 */
abstract sealed class Units {

    abstract long count();

    abstract long start(long u);

    abstract long length(long u);

    abstract long hash(long u);

    /** Documents {@code first} .. {@code first + count - 1}, up to token {@code end} (exclusive). */
    static final class Documents extends Units {
        private final StoredCorpus corpus;
        private final long first;
        private final long count;
        private final long end;

        Documents(StoredCorpus corpus, long first, long count, long end) {
            this.corpus = corpus;
            this.first = first;
            long n = count;
            if (end != Long.MAX_VALUE) {
                n = 0;
                while (n < count && corpus.documentFirstToken(first + n) < end) {
                    n++; // the documents that begin before the cut
                }
            }
            this.count = n;
            this.end = end;
        }

        @Override
        long count() {
            return count;
        }

        @Override
        long start(long u) {
            return corpus.documentFirstToken(first + u);
        }

        @Override
        long length(long u) {
            long s = start(u);
            return Math.min(corpus.documentTokens(first + u), end - s);
        }

        @Override
        long hash(long u) {
            return corpus.documentHash(first + u);
        }
    }

    /** Chunks of {@code chunk} tokens of the range [from, from + size), the last one shorter. */
    static final class Chunks extends Units {
        private final long from;
        private final long size;
        private final long chunk;
        private final long base;

        Chunks(long from, long size, long chunk, long documentHash) {
            this.from = from;
            this.size = size;
            this.chunk = chunk;
            this.base = documentHash;
        }

        @Override
        long count() {
            return (size + chunk - 1) / chunk;
        }

        @Override
        long start(long u) {
            return from + u * chunk;
        }

        @Override
        long length(long u) {
            return Math.min(chunk, size - u * chunk);
        }

        @Override
        long hash(long u) {
            return base + u * 0x9E3779B97F4A7C15L;
        }
    }
}
