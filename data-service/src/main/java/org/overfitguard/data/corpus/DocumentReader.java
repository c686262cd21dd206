package org.overfitguard.data.corpus;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
import org.overfitguard.contracts.spec.DataSpec;

/**
 * Streams files into a {@link DocumentSink} in bounded memory: text (each file one document, decoded
 * in 64 KiB pieces, so a file without a single newline is as cheap as any other) or jsonl (each line
 * a JSON object whose text field is one document, lines at most data.max-document-bytes). Either may
 * be gzip-compressed. Malformed UTF-8 is dropped and counted; unusable jsonl lines are skipped and
 * counted with where the first one was; empty documents are left out. The SHA-256 of each file's bytes
 * is computed on the way.
 */
public final class DocumentReader {

    private static final int PIECE = 1 << 16;

    private final int maxDocumentBytes;
    private final ObjectMapper json;

    public DocumentReader(int maxDocumentBytes) {
        this.maxDocumentBytes = maxDocumentBytes;
        JsonFactory factory = JsonFactory.builder()
                .streamReadConstraints(StreamReadConstraints.builder().maxStringLength(maxDocumentBytes).build()).build();
        this.json = new ObjectMapper(factory);
    }

    /**
     * Reads one file; returns the hex SHA-256 of its bytes as stored (compressed, for gzip).
     *
     * @param cancelled asked between pieces: true aborts the read with a DatasetException
     */
    public String read(SourceFile file, DataSpec.Format format, String textField, int part, DocumentSink sink, ReadStats stats,
                       BooleanSupplier cancelled) throws DatasetException {
        return read(file, format, textField, part, sink, stats, cancelled, true);
    }

    /** As above; without {@code digest} no SHA-256 is computed (null is returned): a pass that only looks. */
    public String read(SourceFile file, DataSpec.Format format, String textField, int part, DocumentSink sink, ReadStats stats,
                       BooleanSupplier cancelled, boolean digest) throws DatasetException {
        MessageDigest sha = digest ? sha256() : null;
        InputStream buffered;
        try {
            buffered = new BufferedInputStream(Files.newInputStream(file.path()), PIECE);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file.relative() + ": " + e.getMessage(), e);
        }
        try (InputStream raw = sha == null ? buffered : new DigestInputStream(buffered, sha);
             InputStream in = file.gzip() ? new GZIPInputStream(raw, PIECE) : raw) {
            if (format == DataSpec.Format.JSONL) {
                jsonl(file, in, textField, part, sink, stats, cancelled);
            } else {
                text(in, part, sink, stats, cancelled);
            }
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file.relative() + (file.gzip() ? " (gzip)" : "") + ": " + e.getMessage(), e);
        }
        return sha == null ? null : HexFormat.of().formatHex(sha.digest());
    }

    private static void text(InputStream in, int part, DocumentSink sink, ReadStats stats, BooleanSupplier cancelled)
            throws IOException, DatasetException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer bytes = ByteBuffer.allocate(PIECE);
        CharBuffer chars = CharBuffer.allocate(PIECE);
        boolean begun = false;
        boolean eof = false;
        while (!eof) {
            if (cancelled.getAsBoolean()) {
                throw new DatasetException("cancelled while the corpus was read");
            }
            int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
            eof = n < 0;
            if (n > 0) {
                bytes.position(bytes.position() + n);
                stats.bytes += n;
            }
            bytes.flip();
            while (true) {
                CoderResult r = decoder.decode(bytes, chars, eof);
                if (r.isError()) {
                    stats.invalidUtf8++;
                    bytes.position(bytes.position() + r.length()); // dropped
                } else if (r.isOverflow()) {
                    begun = deliver(chars, part, sink, stats, begun);
                } else {
                    break;
                }
            }
            begun = deliver(chars, part, sink, stats, begun);
            bytes.compact();
        }
        decoder.flush(chars);
        begun = deliver(chars, part, sink, stats, begun);
        if (begun) {
            sink.end();
        }
    }

    private static boolean deliver(CharBuffer chars, int part, DocumentSink sink, ReadStats stats, boolean begun) {
        chars.flip();
        if (chars.hasRemaining()) {
            if (!begun) {
                sink.begin(part);
                stats.documents++;
            }
            sink.text(chars.array(), chars.arrayOffset() + chars.position(), chars.arrayOffset() + chars.limit());
            begun = true;
        }
        chars.clear();
        return begun;
    }

    private void jsonl(SourceFile file, InputStream in, String textField, int part, DocumentSink sink, ReadStats stats,
                       BooleanSupplier cancelled) throws IOException, DatasetException {
        byte[] buffer = new byte[PIECE];
        Line line = new Line();
        long lineNumber = 0;
        for (int n; (n = in.read(buffer)) >= 0; ) {
            if (cancelled.getAsBoolean()) {
                throw new DatasetException("cancelled while the corpus was read");
            }
            stats.bytes += n;
            int from = 0;
            for (int i = 0; i < n; i++) {
                if (buffer[i] == '\n') {
                    line.append(buffer, from, i - from, maxDocumentBytes);
                    jsonLine(file, ++lineNumber, line, textField, part, sink, stats);
                    line.clear();
                    from = i + 1;
                }
            }
            line.append(buffer, from, n - from, maxDocumentBytes);
        }
        if (line.length > 0 || line.tooLong) {
            jsonLine(file, ++lineNumber, line, textField, part, sink, stats);
        }
    }

    private void jsonLine(SourceFile file, long number, Line line, String textField, int part, DocumentSink sink, ReadStats stats) {
        String where = file.relative() + " line " + number;
        if (line.tooLong) {
            stats.lines++;
            stats.skipped(where + ": longer than data.max-document-bytes (" + maxDocumentBytes + ")");
            return;
        }
        int end = line.length;
        while (end > 0 && (line.bytes[end - 1] == '\r' || line.bytes[end - 1] == ' ' || line.bytes[end - 1] == '\t')) {
            end--;
        }
        if (end == 0) {
            return; // a blank line is no record
        }
        stats.lines++;
        JsonNode node;
        try {
            node = json.readTree(line.bytes, 0, end);
        } catch (IOException e) {
            stats.skipped(where + ": not JSON (" + firstLine(e.getMessage()) + ")");
            return;
        }
        JsonNode text = node == null || !node.isObject() ? null : node.get(textField);
        if (text == null || !text.isTextual()) {
            stats.skipped(where + ": " + (node == null || !node.isObject() ? "not a JSON object"
                    : "no field '" + textField + "' of type string (data.text_field)"));
            return;
        }
        if (!text.textValue().isEmpty()) {
            sink.begin(part);
            stats.documents++;
            char[] chars = text.textValue().toCharArray();
            sink.text(chars, 0, chars.length);
            sink.end();
        }
    }

    private static String firstLine(String message) {
        String m = message == null ? "" : message;
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    /** One jsonl line's bytes, at most the document bound (past it, only that it was too long is kept). */
    private static final class Line {
        byte[] bytes = new byte[PIECE];
        int length;
        boolean tooLong;

        void append(byte[] from, int offset, int count, int max) {
            if (tooLong || count == 0) {
                return;
            }
            if ((long) length + count > max) {
                tooLong = true;
                return;
            }
            if (length + count > bytes.length) {
                bytes = java.util.Arrays.copyOf(bytes, Math.min(max, Math.max(length + count, 2 * bytes.length)));
            }
            System.arraycopy(from, offset, bytes, length, count);
            length += count;
        }

        void clear() {
            length = 0;
            tooLong = false;
            if (bytes.length > 1 << 20) {
                bytes = new byte[PIECE]; // one long line does not pin its buffer for the rest of the file
            }
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
