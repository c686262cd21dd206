package org.overfitguard.data.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * One input file of a corpus, as it was when it was listed: what identifies its content cheaply
 * (size, modification time, file key) and whether it is gzip-compressed (by its first two bytes,
 * whatever its name).
 *
 * @param relative the path under the data root, as shown to users and keyed in the store
 */
public record SourceFile(Path path, String relative, long size, long modifiedNanos, String fileKey, boolean gzip) {

    static SourceFile of(Path real, String relative) throws IOException {
        BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
        return new SourceFile(real, relative, a.size(), a.lastModifiedTime().to(java.util.concurrent.TimeUnit.NANOSECONDS),
                String.valueOf(a.fileKey()), gzipMagic(real));
    }

    /** The same file as it is now: a changed size, time or file key means another content. */
    public SourceFile now() throws IOException {
        return of(path, relative);
    }

    /** Whether the file still is what this record says (size, modification time and file key). */
    public boolean unchanged() {
        try {
            SourceFile current = now();
            return current.size == size && current.modifiedNanos == modifiedNanos && current.fileKey.equals(fileKey);
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean gzipMagic(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return in.read() == 0x1f && in.read() == 0x8b;
        }
    }
}
