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

    private final Path dir;
    private final int width;
    private final long maxBytes;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN);
    private final List<Long> shards = new ArrayList<>();
    private final long shardTokens;
    private FileChannel channel;
    private long inShard;
    private long count;

    TokenShardWriter(Path dir, int width, long maxBytes) {
        this.dir = dir;
        this.width = width;
        this.maxBytes = maxBytes;
        this.shardTokens = 1L << StoredCorpus.shardBits(width);
    }

    static String shardName(int index) {
        return String.format(java.util.Locale.ROOT, "tokens-%05d.bin", index);
    }

    void add(int token) throws IOException {
        if (channel == null || inShard == shardTokens) {
            nextShard();
        }
        if (buffer.remaining() < width) {
            drain();
        }
        if (width == 2) {
            buffer.putShort((short) token);
        } else {
            buffer.putInt(token);
        }
        inShard++;
        count++;
        if (count * width > maxBytes) {
            throw new StoreFullException(count * width);
        }
    }

    long count() {
        return count;
    }

    /** Tokens per shard, in order. */
    List<Long> shards() {
        return List.copyOf(shards);
    }

    private void nextShard() throws IOException {
        closeShard();
        channel = FileChannel.open(dir.resolve(shardName(shards.size())), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        shards.add(0L);
        inShard = 0;
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    private void closeShard() throws IOException {
        if (channel != null) {
            drain();
            channel.force(true);
            channel.close();
            shards.set(shards.size() - 1, inShard);
            channel = null;
        }
    }

    @Override
    public void close() throws IOException {
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
