package org.overfitguard.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes token ids into shard files {@code tokens-00000.bin}, ... of 1 GiB each at most, little-endian uint16 (width 2) or uint32 (width 4), through a 1 MiB buffer; the
 * layout nanoGPT's {@code np.memmap(..., dtype=np.uint16)} reads. Fails once the bytes written would
 * pass {@code maxBytes}.
 */
final class TokenShardWriter implements AutoCloseable {

    private static final int BUFFER = 1 << 18;

    private final Path dir;
    private final int width;
    private final long maxBytes;
    private final int[] pending = new int[BUFFER];
    private final short[] narrow = new short[BUFFER];
    private final ByteBuffer bytes;
    private final List<Long> shards = new ArrayList<>();
    private final long shardTokens;
    private FileChannel channel;
    private int buffered;
    private long inShard;
    private long count;

    TokenShardWriter(Path dir, int width, long maxBytes) {
        this.dir = dir;
        this.width = width;
        this.maxBytes = maxBytes;
        this.shardTokens = 1L << StoredCorpus.shardBits(width);
        this.bytes = ByteBuffer.allocateDirect(BUFFER * width).order(ByteOrder.LITTLE_ENDIAN);
    }

    static String shardName(int index) {
        return String.format(java.util.Locale.ROOT, "tokens-%05d.bin", index);
    }

    /** Adds one token; an I/O failure is an UncheckedIOException (this sits in the tokenizer's inner loop). */
    void add(int token) {
        pending[buffered++] = token;
        if (buffered == BUFFER) {
            drainPending();
        }
    }

    long count() {
        return count + buffered;
    }

    /** Tokens per shard, in order. */
    List<Long> shards() {
        return List.copyOf(shards);
    }

    /** Writes the pending tokens to the shards, starting a new shard file at each 1 GiB. */
    private void drainPending() {
        try {
            int at = 0;
            while (at < buffered) {
                if (channel == null || inShard == shardTokens) {
                    nextShard();
                }
                int n = (int) Math.min(buffered - at, shardTokens - inShard);
                bytes.clear();
                if (width == 2) {
                    for (int i = 0; i < n; i++) {
                        narrow[i] = (short) pending[at + i];
                    }
                    bytes.asShortBuffer().put(narrow, 0, n);
                    bytes.position(n * 2);
                } else {
                    bytes.asIntBuffer().put(pending, at, n);
                    bytes.position(n * 4);
                }
                bytes.flip();
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                inShard += n;
                count += n;
                at += n;
            }
            buffered = 0;
            if (count * width > maxBytes) {
                throw new StoreFullException(count * width);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void nextShard() throws IOException {
        closeShard();
        channel = FileChannel.open(dir.resolve(shardName(shards.size())), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        shards.add(0L);
        inShard = 0;
    }

    private void closeShard() throws IOException {
        if (channel != null) {
            channel.force(true);
            channel.close();
            shards.set(shards.size() - 1, inShard);
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
        if (buffered > 0) {
            drainPending();
        }
        closeShard();
    }

    /** The store's budget would be passed: the entry is abandoned. */
    static final class StoreFullException extends IOException {
        final long bytes;

        StoreFullException(long bytes) {
            super("the tokens passed " + bytes + " bytes");
            this.bytes = bytes;
        }
    }
}
