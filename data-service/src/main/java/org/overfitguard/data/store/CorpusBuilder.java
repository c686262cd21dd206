package org.overfitguard.data.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import org.overfitguard.contracts.spec.TokenizerSpec;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.corpus.DocumentReader;
import org.overfitguard.data.corpus.DocumentSink;
import org.overfitguard.data.corpus.ReadStats;
import org.overfitguard.data.corpus.SourceFile;
import org.overfitguard.text.tokenize.CharTokenizer;

/**
 * Tokenizes a corpus into a directory, streaming: for char a first pass collects the code points
 * (the vocabulary: the two reserved symbols, then the code points in ascending order, as
 * {@link CharTokenizer#fromCorpus} orders them), then one pass encodes every document into token
 * shards and the document index. Documents of a part are joined by the tokens of "\n\n", as text
 * documents always were; parts are not joined. Every file is checked against what it was when listed
 * after it was read: one that changed meanwhile fails the build.
 */
final class CorpusBuilder {

    private final DocumentReader reader;
    private final double maxBadShare;

    CorpusBuilder(DocumentReader reader, double maxBadShare) {
        this.reader = reader;
        this.maxBadShare = maxBadShare;
    }

    StoreEntry build(Path dir, String key, CorpusInput input, long maxBytes, BooleanSupplier cancelled)
            throws DatasetException, IOException {
        long started = System.nanoTime();
        List<String> vocabulary = input.tokenizer().equals("char") ? charVocabulary(input, cancelled) : List.of();
        int vocabSize = switch (input.tokenizer()) {
            case "char" -> vocabulary.size();
            case "byte" -> 257;
            default -> 50258;
        };
        int width = vocabSize - 1 > 0xFFFF ? 4 : 2;
        int[] separator = separator(input.tokenizer(), vocabulary);
        ReadStats stats = new ReadStats();
        List<StoreEntry.FileRead> files = new ArrayList<>();
        List<StoreEntry.Part> parts = new ArrayList<>();
        TokenShardWriter tokens = new TokenShardWriter(dir, width, maxBytes);
        try (StreamEncoder encoder = StreamEncoder.forKind(input.tokenizer(), vocabulary); tokens;
             DocumentIndexWriter index = new DocumentIndexWriter(dir.resolve("documents.bin"))) {
            Encoding sink = new Encoding(encoder, tokens, index, separator);
            if (input.synthetic()) {
                sink.startPart(0);
                sink.begin(0);
                char[] text = input.syntheticText().toCharArray();
                sink.text(text, 0, text.length);
                sink.end();
                parts.add(sink.endPart());
            }
            for (int p = 0; p < input.parts().size(); p++) {
                sink.startPart(p);
                for (SourceFile f : input.parts().get(p)) {
                    String sha = reader.read(f, input.format(), input.textField(), p, sink, stats, cancelled);
                    if (!f.unchanged()) {
                        throw new DatasetException("file " + f.relative() + " changed while it was being tokenized; run again once it stays as it is");
                    }
                    files.add(new StoreEntry.FileRead(p, f.relative(), f.size(), f.modifiedNanos(), f.fileKey(), f.gzip(), sha));
                }
                parts.add(sink.endPart());
            }
            stats.check(maxBadShare);
            long chars = sink.chars;
            index.close();
            tokens.close();
            long disk = tokens.count() * width + index.count() * StoredCorpus.DOCUMENT_BYTES;
            return new StoreEntry(StoredCorpus.FORMAT, key, input.tokenizer(), vocabulary, vocabSize, width, tokens.count(),
                    index.count(), chars, input.synthetic() ? input.syntheticText().length() : stats.bytes(), stats.invalidUtf8(),
                    stats.lines(), stats.skippedLines(), stats.firstSkipped(), tokens.shards(), parts, files, input.synthetic(), disk,
                    Instant.now(), (System.nanoTime() - started) / 1e9);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The char vocabulary of the whole input (both parts): one streaming pass. */
    private List<String> charVocabulary(CorpusInput input, BooleanSupplier cancelled) throws DatasetException {
        BitSet seen = new BitSet(Character.MAX_CODE_POINT + 1);
        long[] documents = new long[Math.max(1, input.parts().size())];
        DocumentSink collect = new DocumentSink() {
            private char high;

            public void begin(int part) {
                documents[part]++;
            }

            public void text(char[] chars, int from, int to) {
                for (int i = from; i < to; i++) {
                    char c = chars[i];
                    if (Character.isHighSurrogate(c)) {
                        high = c;
                        continue;
                    }
                    if (high != 0 && Character.isLowSurrogate(c)) {
                        seen.set(Character.toCodePoint(high, c));
                    } else {
                        if (high != 0) {
                            seen.set(high);
                        }
                        seen.set(c);
                    }
                    high = 0;
                }
            }

            public void end() {
                if (high != 0) {
                    seen.set(high);
                    high = 0;
                }
            }
        };
        if (input.synthetic()) {
            collect.begin(0);
            char[] text = input.syntheticText().toCharArray();
            collect.text(text, 0, text.length);
            collect.end();
        }
        ReadStats ignored = new ReadStats();
        for (int p = 0; p < input.parts().size(); p++) {
            for (SourceFile f : input.parts().get(p)) {
                reader.read(f, input.format(), input.textField(), p, collect, ignored, cancelled, false);
            }
        }
        for (long d : documents) {
            if (d >= 2) {
                seen.set('\n'); // the separator of documents
            }
        }
        int distinct = seen.cardinality();
        if (distinct > TokenizerSpec.MAX_CHAR_VOCABULARY - 2) {
            throw new DatasetException("the corpus has " + distinct + " distinct characters; a char vocabulary holds at most "
                    + (TokenizerSpec.MAX_CHAR_VOCABULARY - 2) + " (the limit the trainer admitted the run under); use tokenizer.kind "
                    + "byte or gpt2 for this corpus");
        }
        List<String> vocabulary = new ArrayList<>(List.of(CharTokenizer.UNKNOWN, CharTokenizer.MASK));
        for (int cp = seen.nextSetBit(0); cp >= 0; cp = seen.nextSetBit(cp + 1)) {
            vocabulary.add(Character.toString(cp));
        }
        return vocabulary;
    }

    private static int[] separator(String tokenizer, List<String> vocabulary) {
        List<Integer> ids = new ArrayList<>();
        try (StreamEncoder e = StreamEncoder.forKind(tokenizer, vocabulary)) {
            e.text("\n\n".toCharArray(), 0, 2, ids::add);
            e.flush(ids::add);
        }
        return ids.stream().mapToInt(Integer::intValue).toArray();
    }

    /**
     * The encoding pass as a {@link DocumentSink}: a document's index record is written when the
     * next one of its part begins (its tokens then include the separator) or the part ends.
     */
    private static final class Encoding implements DocumentSink {
        private static final long FNV_OFFSET = 0xcbf29ce484222325L;
        private static final long FNV_PRIME = 0x100000001b3L;

        private final StreamEncoder encoder;
        private final TokenShardWriter tokens;
        private final DocumentIndexWriter index;
        private final int[] separator;
        private final IntConsumer add;
        private long hash;
        private long chars;
        private int currentPart;
        private long partFirstToken;
        private long partFirstDocument;
        private boolean pending;
        private long pendingStart;
        private long pendingHash;

        Encoding(StreamEncoder encoder, TokenShardWriter tokens, DocumentIndexWriter index, int[] separator) {
            this.encoder = encoder;
            this.tokens = tokens;
            this.index = index;
            this.separator = separator;
            this.add = tokens::add;
        }

        void startPart(int part) {
            currentPart = part;
            partFirstToken = tokens.count();
            partFirstDocument = index.count();
        }

        @Override
        public void begin(int part) {
            if (pending) { // the separator belongs to the document before it
                for (int id : separator) {
                    add.accept(id);
                }
            }
            writePending();
            hash = FNV_OFFSET;
            pendingStart = tokens.count();
        }

        @Override
        public void text(char[] text, int from, int to) {
            long h = hash;
            long lows = 0;
            for (int i = from; i < to; i++) {
                char c = text[i];
                h = (h ^ c) * FNV_PRIME; // of the text, not the ids: the same whatever else the corpus holds
                if (Character.isLowSurrogate(c)) {
                    lows++;
                }
            }
            hash = h;
            chars += to - from - lows; // code points
            encoder.text(text, from, to, add);
        }

        @Override
        public void end() {
            encoder.flush(add);
            pending = true;
            pendingHash = hash;
        }

        StoreEntry.Part endPart() {
            writePending();
            return new StoreEntry.Part(partFirstToken, tokens.count() - partFirstToken, partFirstDocument,
                    index.count() - partFirstDocument);
        }

        private void writePending() {
            if (pending) {
                try {
                    index.add(pendingStart, tokens.count() - pendingStart, pendingHash, currentPart);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                pending = false;
            }
        }
    }
}
