package org.overfitguard.lm.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overfitguard.contracts.json.Json;

/**
 * The safetensors format (huggingface/safetensors), written and read by our own code:
 * <pre>
 * u64 little-endian N | N bytes of UTF-8 JSON, space-padded | the data buffer
 * JSON: {"__metadata__": {str: str}, "name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...}
 * </pre>
 * Offsets are relative to the data buffer; tensors are row-major and little-endian, and together
 * cover the buffer exactly (no holes, no overlaps). We pad the header so that the buffer starts at a
 * multiple of 8 bytes, as the reference implementation does, and write tensors in the order given.
 * The reader checks every rule above and refuses a file that breaks one, naming it.
 */
public final class SafeTensors {

    /** Header bytes we read at most (the reference implementation's limit is 100 MB; our headers are kilobytes). */
    static final long MAX_HEADER_BYTES = Json.MAX_DOCUMENT_CHARS;

    /** Bytes per element of every dtype the format defines. */
    static final Map<String, Integer> DTYPE_BYTES = Map.ofEntries(Map.entry("BOOL", 1), Map.entry("U8", 1), Map.entry("I8", 1),
            Map.entry("F8_E5M2", 1), Map.entry("F8_E4M3", 1), Map.entry("I16", 2), Map.entry("U16", 2), Map.entry("F16", 2),
            Map.entry("BF16", 2), Map.entry("I32", 4), Map.entry("U32", 4), Map.entry("F32", 4), Map.entry("F64", 8),
            Map.entry("I64", 8), Map.entry("U64", 8));

    /** One tensor: its dtype, shape and little-endian row-major bytes (read-only). */
    public record Tensor(String dtype, long[] shape, ByteBuffer data) {

        /** An F32 tensor holding {@code values} in the given shape. */
        public static Tensor f32(long[] shape, float[] values) {
            if (Arrays.stream(shape).reduce(1, Math::multiplyExact) != values.length) {
                throw new IllegalArgumentException("shape " + Arrays.toString(shape) + " does not hold " + values.length + " values");
            }
            ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            b.asFloatBuffer().put(values);
            return new Tensor("F32", shape.clone(), b.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN));
        }

        public float[] floats() {
            if (!dtype.equals("F32")) {
                throw new IllegalStateException("tensor is " + dtype + ", not F32");
            }
            float[] out = new float[data.remaining() / 4];
            data.duplicate().order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
            return out;
        }
    }

    /** A whole file: its tensors in file order and its metadata. */
    public record Content(Map<String, Tensor> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    /** Writes {@code tensors} (in their iteration order) and {@code metadata} to {@code file}, atomically. */
    public static void write(Path file, Map<String, Tensor> tensors, Map<String, String> metadata) throws IOException {
        ObjectNode header = Json.mapper().createObjectNode();
        if (!metadata.isEmpty()) {
            ObjectNode meta = header.putObject("__metadata__");
            metadata.forEach(meta::put);
        }
        long offset = 0;
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            if (e.getKey().equals("__metadata__") || e.getKey().isEmpty()) {
                throw new IllegalArgumentException("a tensor cannot be named \"" + e.getKey() + "\"");
            }
            Tensor t = e.getValue();
            long bytes = t.data().remaining();
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", t.dtype());
            ArrayNode shape = entry.putArray("shape");
            Arrays.stream(t.shape()).forEach(shape::add);
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = Json.mapper().writeValueAsBytes(header);
        int padded = (json.length + 8 + 7) / 8 * 8 - 8; // 8 + header ends on a multiple of 8
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        head.flip();
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE)) {
            writeFully(out, head);
            for (Tensor t : tensors.values()) {
                writeFully(out, t.data().duplicate());
            }
            out.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void writeFully(FileChannel out, ByteBuffer b) throws IOException {
        while (b.hasRemaining()) {
            out.write(b);
        }
    }

    /** Reads and checks a whole file. */
    public static Content read(Path file) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = in.size();
            if (size < 8) {
                throw malformed(file, "shorter than the 8-byte header length (" + size + " bytes)");
            }
            ByteBuffer n = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(in, n, 0);
            long headerBytes = n.flip().getLong();
            if (headerBytes < 2 || headerBytes > MAX_HEADER_BYTES || headerBytes > size - 8) {
                throw malformed(file, "header length " + Long.toUnsignedString(headerBytes) + " is not within 2 and "
                        + Math.min(MAX_HEADER_BYTES, size - 8) + " bytes");
            }
            ByteBuffer headerBuffer = ByteBuffer.allocate((int) headerBytes);
            readFully(in, headerBuffer, 8);
            String text = new String(headerBuffer.array(), StandardCharsets.UTF_8);
            if (!text.startsWith("{")) {
                throw malformed(file, "header does not start with '{'");
            }
            JsonNode header;
            try {
                header = Json.mapper().readTree(text.stripTrailing());
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw malformed(file, "header is not one JSON object: " + e.getOriginalMessage());
            }
            if (header == null || !header.isObject()) {
                throw malformed(file, "header is not a JSON object");
            }
            long dataBytes = size - 8 - headerBytes;
            Map<String, String> metadata = new LinkedHashMap<>();
            List<Span> entries = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    readMetadata(file, e.getValue(), metadata);
                } else {
                    entries.add(entry(file, e.getKey(), e.getValue()));
                }
            }
            entries.sort(Comparator.comparingLong(Span::begin).thenComparingLong(Span::end));
            long expected = 0;
            for (Span e : entries) {
                if (e.begin() != expected) {
                    throw malformed(file, "tensor " + e.name() + " starts at " + e.begin() + " but the previous one ends at " + expected
                            + " (tensors must cover the data buffer without holes or overlaps)");
                }
                expected = e.end();
            }
            if (expected != dataBytes) {
                throw malformed(file, "tensors cover " + expected + " bytes of a " + dataBytes + "-byte data buffer");
            }
            if (dataBytes > Integer.MAX_VALUE) {
                throw malformed(file, "data buffer of " + dataBytes + " bytes is larger than this reader maps (2 GiB)");
            }
            ByteBuffer data = in.map(FileChannel.MapMode.READ_ONLY, 8 + headerBytes, dataBytes).order(ByteOrder.LITTLE_ENDIAN);
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Span e : entries) {
                ByteBuffer slice = data.slice((int) e.begin(), (int) (e.end() - e.begin()));
                tensors.put(e.name(), new Tensor(e.dtype(), e.shape(), slice.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN)));
            }
            return new Content(tensors, metadata);
        }
    }

    private static void readMetadata(Path file, JsonNode node, Map<String, String> into) throws SafeTensorsException {
        if (!node.isObject()) {
            throw malformed(file, "__metadata__ is not an object of strings");
        }
        for (Map.Entry<String, JsonNode> m : node.properties()) {
            if (!m.getValue().isTextual()) {
                throw malformed(file, "__metadata__." + m.getKey() + " is not a string");
            }
            into.put(m.getKey(), m.getValue().textValue());
        }
    }

    private static Span entry(Path file, String name, JsonNode node) throws SafeTensorsException {
        if (!node.isObject() || node.size() != 3 || !node.path("dtype").isTextual() || !node.path("shape").isArray()
                || !node.path("data_offsets").isArray() || node.path("data_offsets").size() != 2) {
            throw malformed(file, "tensor " + name + " must be {dtype, shape, data_offsets: [begin, end]}, was " + node);
        }
        String dtype = node.get("dtype").textValue();
        Integer width = DTYPE_BYTES.get(dtype);
        if (width == null) {
            throw malformed(file, "tensor " + name + " has dtype " + dtype + ", not one of " + DTYPE_BYTES.keySet());
        }
        long[] shape = new long[node.get("shape").size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            JsonNode d = node.get("shape").get(i);
            if (!d.canConvertToLong() || !d.isIntegralNumber() || d.longValue() < 0) {
                throw malformed(file, "tensor " + name + " has dimension " + d + ", not a non-negative integer");
            }
            shape[i] = d.longValue();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException overflow) {
                throw malformed(file, "tensor " + name + " has more elements than a long counts");
            }
        }
        JsonNode b = node.get("data_offsets").get(0);
        JsonNode e = node.get("data_offsets").get(1);
        if (!b.isIntegralNumber() || !e.isIntegralNumber() || !b.canConvertToLong() || !e.canConvertToLong()
                || b.longValue() < 0 || e.longValue() < b.longValue()) {
            throw malformed(file, "tensor " + name + " has data_offsets [" + b + ", " + e + "], not 0 <= begin <= end");
        }
        long bytes = e.longValue() - b.longValue();
        if (elements > Long.MAX_VALUE / width || bytes != elements * width) {
            throw malformed(file, "tensor " + name + " spans " + bytes + " bytes but its shape " + Arrays.toString(shape) + " of "
                    + dtype + " needs " + (elements > Long.MAX_VALUE / width ? "more" : String.valueOf(elements * width)));
        }
        return new Span(name, dtype, shape, b.longValue(), e.longValue());
    }

    private record Span(String name, String dtype, long[] shape, long begin, long end) {
    }

    private static void readFully(FileChannel in, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (in.read(into, position + into.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    private static SafeTensorsException malformed(Path file, String why) {
        return new SafeTensorsException(file + " is not a valid safetensors file: " + why);
    }

    /** A file that breaks a rule of the format. */
    public static final class SafeTensorsException extends IOException {
        SafeTensorsException(String message) {
            super(message);
        }
    }
}
