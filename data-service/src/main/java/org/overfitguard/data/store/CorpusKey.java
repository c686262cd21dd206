package org.overfitguard.data.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.corpus.SourceFile;

/**
 * The store key of a corpus: a SHA-256 over everything that determines its tokens. The store format,
 * the tokenizer (gpt2: its encoding), the format and text field, and for each file of each part its
 * path under the data root, size, modification time, file key (inode) and a fingerprint of its
 * content (SHA-256 of its first and last 64 KiB and 16 blocks of 4 KiB spread between; the whole
 * file when it is under 1 MiB). A file touched, truncated, grown or replaced gets another key, so
 * its old entry is never used for it (and ages out of the store). The synthetic corpus is keyed by
 * the SHA-256 of its text. Cost: a few reads per file, whatever its size.
 */
final class CorpusKey {

    private static final int EDGE = 64 << 10;
    private static final int BLOCK = 4 << 10;
    private static final int BLOCKS = 16;

    private CorpusKey() {
    }

    static String of(CorpusInput input) throws DatasetException {
        MessageDigest key = sha256();
        line(key, "overfit-guard corpus store, format " + StoredCorpus.FORMAT);
        line(key, "tokenizer " + input.tokenizer() + (input.tokenizer().equals("gpt2") ? " r50k_base" : ""));
        line(key, "format " + input.format().name() + (input.format() == DataSpec.Format.JSONL ? " field " + input.textField() : ""));
        if (input.synthetic()) {
            line(key, "synthetic " + HexFormat.of().formatHex(sha256().digest(input.syntheticText().getBytes(StandardCharsets.UTF_8))));
        }
        for (int p = 0; p < input.parts().size(); p++) {
            line(key, "part " + p);
            for (SourceFile f : input.parts().get(p)) {
                line(key, "file " + f.relative().length() + ":" + f.relative() + " " + f.size() + " " + f.modifiedNanos() + " "
                        + f.fileKey() + " " + f.gzip() + " " + fingerprint(f));
            }
        }
        return HexFormat.of().formatHex(key.digest()).substring(0, 40);
    }

    /** SHA-256 of the sampled content (the whole file under 1 MiB). */
    static String fingerprint(SourceFile f) throws DatasetException {
        MessageDigest d = sha256();
        try (FileChannel c = FileChannel.open(f.path(), StandardOpenOption.READ)) {
            long size = c.size();
            if (size <= 1 << 20) {
                read(c, d, 0, (int) size);
            } else {
                read(c, d, 0, EDGE);
                for (int i = 0; i < BLOCKS; i++) {
                    read(c, d, EDGE + (size - 2L * EDGE - BLOCK) * i / (BLOCKS - 1), BLOCK);
                }
                read(c, d, size - EDGE, EDGE);
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + f.relative() + ": " + e.getMessage(), e);
        }
        return HexFormat.of().formatHex(d.digest());
    }

    private static void read(FileChannel c, MessageDigest d, long at, int n) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(n);
        while (b.hasRemaining() && c.read(b, at + b.position()) >= 0) {
            // read until full or the end
        }
        b.flip();
        d.update(b);
    }

    private static void line(MessageDigest d, String s) {
        d.update((s + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
