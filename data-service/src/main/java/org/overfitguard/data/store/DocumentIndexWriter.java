package org.overfitguard.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * {@code documents.bin}: one {@value StoredCorpus#DOCUMENT_BYTES}-byte record per document, in corpus
 * order: first token (int64), tokens (int64, the separator to the next document of its part
 * included), content hash (int64, FNV-1a over its text's UTF-16 units: what a document split
 * hashes, so duplicates fall on one side whatever else the corpus holds), part (int32: 0 data.path, 1 data.heldout_path), reserved (int32).
 */
final class DocumentIndexWriter implements AutoCloseable {

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long count;

    DocumentIndexWriter(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    void add(long firstToken, long tokens, long hash, int part) throws IOException {
        if (buffer.remaining() < StoredCorpus.DOCUMENT_BYTES) {
            drain();
        }
        buffer.putLong(firstToken).putLong(tokens).putLong(hash).putInt(part).putInt(0);
        count++;
    }

    long count() {
        return count;
    }

    private void drain() throws IOException {
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    @Override
    public void close() throws IOException {
        if (channel.isOpen()) {
            drain();
            channel.force(true);
            channel.close();
        }
    }
}
