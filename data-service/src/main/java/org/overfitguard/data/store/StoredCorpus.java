package org.overfitguard.data.store;

import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.MappedByteBuffer;
import java.nio.ShortBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * A corpus store entry, read through memory maps: token k of the corpus and document d of its
 * index in O(1), nothing of either on the heap. Shared by every run on the same corpus; closed by
 * each (the store counts who holds it, and does not evict an entry in use).
 */
public final class StoredCorpus implements AutoCloseable {

    /** The on-disk format; entries of another format are rebuilt. */
    public static final int FORMAT = 1;
    /** Bytes per shard file: 1 GiB, one memory map each (2^29 uint16 tokens, 2^28 uint32). */
    static final int SHARD_BYTES_LOG2 = 30;
    static final int DOCUMENT_BYTES = 32;
    /** The document index is mapped in regions of this many bytes (a multiple of the record). */
    private static final long INDEX_REGION = 1L << 30;

    private final Path dir;
    private final StoreEntry entry;
    private final MappedByteBuffer[] shards;
    /** the shards as uint16 (width 2) or uint32 views, little-endian */
    private final ShortBuffer[] narrow;
    private final IntBuffer[] wide;
    private final MappedByteBuffer[] index;
    private final Runnable onClose;
    private final int shardBits;
    private final long shardMask;
    private boolean closed;

    StoredCorpus(Path dir, StoreEntry entry, Runnable onClose) throws IOException {
        this.dir = dir;
        this.entry = entry;
        this.onClose = onClose;
        this.shardBits = shardBits(entry.width());
        this.shardMask = (1L << shardBits) - 1;
        this.shards = new MappedByteBuffer[entry.shards().size()];
        for (int i = 0; i < shards.length; i++) {
            shards[i] = map(dir.resolve(TokenShardWriter.shardName(i)), 0, entry.shards().get(i) * entry.width());
        }
        this.narrow = entry.width() == 2 ? new ShortBuffer[shards.length] : null;
        this.wide = entry.width() == 2 ? null : new IntBuffer[shards.length];
        for (int i = 0; i < shards.length; i++) {
            if (narrow != null) {
                narrow[i] = shards[i].asShortBuffer();
            } else {
                wide[i] = shards[i].asIntBuffer();
            }
        }
        long indexBytes = entry.documents() * DOCUMENT_BYTES;
        List<MappedByteBuffer> regions = new ArrayList<>();
        for (long at = 0; at < indexBytes; at += INDEX_REGION) {
            regions.add(map(dir.resolve("documents.bin"), at, Math.min(INDEX_REGION, indexBytes - at)));
        }
        this.index = regions.toArray(MappedByteBuffer[]::new);
    }

    private static MappedByteBuffer map(Path file, long at, long size) throws IOException {
        if (Files.size(file) < at + size) {
            throw new IOException(file + " has " + Files.size(file) + " bytes, the entry says at least " + (at + size));
        }
        try (FileChannel c = FileChannel.open(file, StandardOpenOption.READ)) {
            MappedByteBuffer b = c.map(FileChannel.MapMode.READ_ONLY, at, size);
            b.order(ByteOrder.LITTLE_ENDIAN);
            return b;
        }
    }

    /** log2 of the tokens per shard of this width. */
    static int shardBits(int width) {
        return SHARD_BYTES_LOG2 - Integer.numberOfTrailingZeros(width);
    }

    public String key() {
        return entry.key();
    }

    public Path dir() {
        return dir;
    }

    StoreEntry entry() {
        return entry;
    }

    public String tokenizer() {
        return entry.tokenizer();
    }

    public List<String> vocabulary() {
        return entry.vocabulary();
    }

    public long tokens() {
        return entry.tokens();
    }

    public long documents() {
        return entry.documents();
    }

    public long chars() {
        return entry.chars();
    }

    public long bytes() {
        return entry.bytes();
    }

    public long invalidUtf8() {
        return entry.invalidUtf8();
    }

    public long skippedLines() {
        return entry.skippedLines();
    }

    public boolean synthetic() {
        return entry.synthetic();
    }

    /** Seconds the entry took to build (its tokenization), when it was built. */
    public double tokenizeSeconds() {
        return entry.tokenizeSeconds();
    }

    /** Bytes of the entry's files on disk. */
    public long diskBytes() {
        return entry.diskBytes();
    }

    public double charsPerToken() {
        return entry.charsPerToken();
    }

    /** Tokens and documents of source part {@code part} (0: data.path, 1: data.heldout_path). */
    public long partFirstToken(int part) {
        return part < entry.parts().size() ? entry.parts().get(part).firstToken() : tokens();
    }

    public long partTokens(int part) {
        return part < entry.parts().size() ? entry.parts().get(part).tokens() : 0;
    }

    public long partFirstDocument(int part) {
        return part < entry.parts().size() ? entry.parts().get(part).firstDocument() : documents();
    }

    public long partDocuments(int part) {
        return part < entry.parts().size() ? entry.parts().get(part).documents() : 0;
    }

    /** Token {@code k} of the corpus. */
    public int token(long k) {
        int shard = (int) (k >>> shardBits);
        int at = (int) (k & shardMask);
        return narrow != null ? Short.toUnsignedInt(narrow[shard].get(at)) : wide[shard].get(at);
    }

    /** Tokens {@code from} .. {@code from + n - 1} into {@code dst} at {@code at}, shard by shard. */
    public void read(long from, int[] dst, int at, int n) {
        while (n > 0) {
            int shard = (int) (from >>> shardBits);
            int in = (int) (from & shardMask);
            int take = (int) Math.min(n, (shardMask + 1) - in);
            if (narrow != null) {
                ShortBuffer s = narrow[shard];
                for (int i = 0; i < take; i++) {
                    dst[at + i] = Short.toUnsignedInt(s.get(in + i));
                }
            } else {
                IntBuffer w = wide[shard];
                for (int i = 0; i < take; i++) {
                    dst[at + i] = w.get(in + i);
                }
            }
            from += take;
            at += take;
            n -= take;
        }
    }

    public long documentFirstToken(long d) {
        return index(d, 0);
    }

    public long documentTokens(long d) {
        return index(d, 8);
    }

    public long documentHash(long d) {
        return index(d, 16);
    }

    private long index(long d, int field) {
        long at = d * DOCUMENT_BYTES + field;
        return index[(int) (at / INDEX_REGION)].getLong((int) (at % INDEX_REGION));
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            onClose.run();
        }
    }
}
