package org.overfitguard.data.store;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import org.overfitguard.text.tokenize.Gpt2Tokenizer;

/**
 * A tokenizer fed in pieces: each piece of a document as it is read, then {@link #flush} at its end.
 * Ids are exactly the tokenizer's ({@code text} module) for the same text: char maps code points
 * through the vocabulary, byte emits UTF-8 bytes, gpt2 keeps a tail of up to 64 Ki characters and
 * encodes up to the last position where a cut cannot change GPT-2's pre-tokenization (see
 * {@link Gpt2#safeCut}). Only 32 Ki characters without such a position (no space or newline at all)
 * are cut where they stand.
 */
abstract sealed class StreamEncoder implements AutoCloseable {

    abstract void text(char[] chars, int from, int to, IntConsumer out);

    /** The end of a document: what is buffered is encoded. */
    void flush(IntConsumer out) {
    }

    @Override
    public void close() {
    }

    static StreamEncoder forKind(String kind, List<String> vocabulary) {
        return switch (kind) {
            case "char" -> new Chars(vocabulary);
            case "byte" -> new Bytes();
            case "gpt2" -> new Gpt2();
            default -> throw new IllegalArgumentException("tokenizer kind must be char, byte or gpt2, was " + kind);
        };
    }

    /** Code points through a table (the BMP) and a map (the rest); a code point not in the vocabulary is the unknown id 0. */
    static final class Chars extends StreamEncoder {
        private final int[] bmp = new int[1 << 16];
        private final Map<Integer, Integer> supplementary = new HashMap<>();
        private char pendingHigh;

        Chars(List<String> vocabulary) {
            for (int id = 2; id < vocabulary.size(); id++) {
                int cp = vocabulary.get(id).codePointAt(0);
                if (cp < bmp.length) {
                    bmp[cp] = id;
                } else {
                    supplementary.put(cp, id);
                }
            }
        }

        @Override
        void text(char[] chars, int from, int to, IntConsumer out) {
            for (int i = from; i < to; i++) {
                char c = chars[i];
                if (pendingHigh != 0) {
                    char high = pendingHigh;
                    pendingHigh = 0;
                    if (Character.isLowSurrogate(c)) {
                        out.accept(supplementary.getOrDefault(Character.toCodePoint(high, c), 0));
                        continue;
                    }
                    out.accept(bmp[high]);
                }
                if (Character.isHighSurrogate(c)) {
                    pendingHigh = c;
                } else {
                    out.accept(bmp[c]);
                }
            }
        }

        @Override
        void flush(IntConsumer out) {
            if (pendingHigh != 0) {
                out.accept(bmp[pendingHigh]);
                pendingHigh = 0;
            }
        }
    }

    /** UTF-8 bytes, 0..255 (a piece never ends inside a surrogate pair, so each is encoded whole). */
    static final class Bytes extends StreamEncoder {
        @Override
        void text(char[] chars, int from, int to, IntConsumer out) {
            for (byte b : new String(chars, from, to - from).getBytes(StandardCharsets.UTF_8)) {
                out.accept(b & 0xFF);
            }
        }
    }

    /**
     * GPT-2's byte-level BPE, through {@link Gpt2Tokenizer} (ordinary text: no special tokens). BPE is
     * the slow part of tokenizing, and the pieces between safe cuts are independent: they are encoded
     * on every core at once (a few pieces in flight), their ids handed on in order.
     */
    static final class Gpt2 extends StreamEncoder {
        static final int TAIL = 1 << 16;
        private static final int THREADS = Math.max(1, Runtime.getRuntime().availableProcessors());
        private final Gpt2Tokenizer tokenizer = new Gpt2Tokenizer();
        private final StringBuilder pending = new StringBuilder();
        private final java.util.ArrayDeque<java.util.concurrent.Future<int[]>> inFlight = new java.util.ArrayDeque<>();
        private final java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "gpt2-encoder");
            t.setDaemon(true);
            return t;
        });

        @Override
        void text(char[] chars, int from, int to, IntConsumer out) {
            pending.append(chars, from, to - from);
            while (pending.length() >= TAIL) {
                int cut = safeCut(pending);
                String piece = pending.substring(0, cut);
                pending.delete(0, cut);
                inFlight.add(pool.submit(() -> tokenizer.encode(piece)));
                while (inFlight.size() > 2 * THREADS) {
                    emit(next(), out);
                }
            }
        }

        @Override
        void flush(IntConsumer out) {
            if (pending.length() > 0) {
                String piece = pending.toString();
                pending.setLength(0);
                inFlight.add(pool.submit(() -> tokenizer.encode(piece)));
            }
            while (!inFlight.isEmpty()) {
                emit(next(), out);
            }
        }

        private int[] next() {
            try {
                return inFlight.poll().get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while encoding", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException("gpt2 encoding failed: " + e.getCause(), e.getCause());
            }
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }

        /**
         * The last position p past the middle where a space, tab, CR or LF follows a character that is
         * white space by no definition (Java's, Unicode's, or the regex's): GPT-2's pre-tokens holding
         * such a character start at it, and none before p looks past p. Else the length (a pair kept whole).
         */
        static int safeCut(CharSequence s) {
            for (int p = s.length() - 1; p > s.length() / 2; p--) {
                char c = s.charAt(p);
                char before = s.charAt(p - 1);
                if ((c == ' ' || c == '\n' || c == '\t' || c == '\r')
                        && !Character.isWhitespace(before) && !Character.isSpaceChar(before) && before != '\u0085') {
                    return p;
                }
            }
            int end = s.length();
            return Character.isHighSurrogate(s.charAt(end - 1)) ? end - 1 : end;
        }
    }

    private static void emit(int[] ids, IntConsumer out) {
        for (int id : ids) {
            out.accept(id);
        }
    }
}
