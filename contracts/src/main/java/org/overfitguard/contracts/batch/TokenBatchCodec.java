package org.overfitguard.contracts.batch;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * The compact binary format of token batches (little-endian):
 *
 * <pre>
 * offset size  field
 * 0      4     magic "OGTB"
 * 4      1     version (1)
 * 5      1     dtype: 1 = uint16 tokens, 2 = int32 tokens (the smallest that holds the largest id)
 * 6      1     flags: bit 0 = held-out
 * 7      1     run id length n (1..64), then n bytes of UTF-8 run id
 * 8+n    8     batch index (>= 0)
 * 16+n   4     rows  (> 0)
 * 20+n   4     cols  (> 0)
 * 24+n   r*c*s inputs, then r*c*s targets (s = 2 or 4)
 * end-4  4     CRC-32C of every byte before it
 * </pre>
 *
 * Every read is checked: a truncated, padded or altered buffer throws {@link CorruptBatchException}
 * and never yields a batch. CRC-32C catches every single-byte change (and every burst up to 32 bits).
 */
public final class TokenBatchCodec {

    static final byte[] MAGIC = {'O', 'G', 'T', 'B'};
    static final byte VERSION = 1;
    static final byte DTYPE_UINT16 = 1;
    static final byte DTYPE_INT32 = 2;
    private static final int FIXED_HEADER = 4 + 1 + 1 + 1 + 1 + 8 + 4 + 4;
    private static final int CRC_BYTES = 4;
    /** Refuse absurd shapes before allocating: 64 Mi tokens per side is far above any batch we make. */
    private static final long MAX_TOKENS = 64L << 20;

    private TokenBatchCodec() {
    }

    /** Bytes of an encoded batch of {@code rows} x {@code cols} tokens whose ids reach {@code vocabSize - 1}. */
    public static long encodedSize(int runIdBytes, long rows, long cols, int vocabSize) {
        int width = vocabSize - 1 > 0xFFFF ? 4 : 2;
        return FIXED_HEADER + runIdBytes + 2 * rows * cols * width + CRC_BYTES;
    }

    public static byte[] encode(TokenBatch b) {
        byte[] run = b.runId().getBytes(StandardCharsets.UTF_8);
        if (run.length == 0 || run.length > 64) {
            throw new IllegalArgumentException("run id must be 1..64 bytes, was " + run.length);
        }
        boolean wide = b.maxTokenId() > 0xFFFF;
        int width = wide ? 4 : 2;
        int size = FIXED_HEADER + run.length + 2 * b.tokens() * width + CRC_BYTES;
        ByteBuffer out = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        out.put(MAGIC).put(VERSION).put(wide ? DTYPE_INT32 : DTYPE_UINT16).put((byte) (b.heldOut() ? 1 : 0))
                .put((byte) run.length).put(run).putLong(b.index()).putInt(b.rows()).putInt(b.cols());
        putTokens(out, b.inputs(), wide);
        putTokens(out, b.targets(), wide);
        CRC32C crc = new CRC32C();
        crc.update(out.array(), 0, out.position());
        out.putInt((int) crc.getValue());
        return out.array();
    }

    public static TokenBatch decode(byte[] bytes) {
        if (bytes == null) {
            throw new CorruptBatchException("token batch is null");
        }
        if (bytes.length < FIXED_HEADER + 1 + CRC_BYTES) {
            throw new CorruptBatchException("token batch truncated: " + bytes.length + " bytes, the header alone needs "
                    + (FIXED_HEADER + 1 + CRC_BYTES));
        }
        checkCrc(bytes);
        ByteBuffer in = ByteBuffer.wrap(bytes, 0, bytes.length - CRC_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        try {
            byte[] magic = new byte[4];
            in.get(magic);
            if (magic[0] != MAGIC[0] || magic[1] != MAGIC[1] || magic[2] != MAGIC[2] || magic[3] != MAGIC[3]) {
                throw new CorruptBatchException("not a token batch: bad magic");
            }
            byte version = in.get();
            if (version != VERSION) {
                throw new CorruptBatchException("unsupported token batch version " + version + ", this reader knows " + VERSION);
            }
            byte dtype = in.get();
            if (dtype != DTYPE_UINT16 && dtype != DTYPE_INT32) {
                throw new CorruptBatchException("unknown token dtype " + dtype + ", known: 1 (uint16), 2 (int32)");
            }
            byte flags = in.get();
            if ((flags & ~1) != 0) {
                throw new CorruptBatchException("unknown flags " + flags);
            }
            int runLength = in.get() & 0xFF;
            if (runLength < 1 || runLength > 64) {
                throw new CorruptBatchException("run id length must be 1..64, was " + runLength);
            }
            byte[] run = new byte[runLength];
            in.get(run);
            long index = in.getLong();
            int rows = in.getInt();
            int cols = in.getInt();
            if (index < 0 || rows <= 0 || cols <= 0 || (long) rows * cols > MAX_TOKENS) {
                throw new CorruptBatchException("bad batch header: index " + index + ", shape " + rows + " x " + cols);
            }
            int width = dtype == DTYPE_INT32 ? 4 : 2;
            long expected = FIXED_HEADER + runLength + 2L * rows * cols * width;
            if (expected != bytes.length - CRC_BYTES) {
                throw new CorruptBatchException("token batch length " + bytes.length + " does not match its header ("
                        + (expected + CRC_BYTES) + " expected)");
            }
            int[] inputs = getTokens(in, rows * cols, width);
            int[] targets = getTokens(in, rows * cols, width);
            return new TokenBatch(new String(run, StandardCharsets.UTF_8), index, (flags & 1) != 0, rows, cols, inputs, targets);
        } catch (BufferUnderflowException e) {
            throw new CorruptBatchException("token batch truncated");
        }
    }

    private static void checkCrc(byte[] bytes) {
        CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CRC_BYTES);
        int stored = ByteBuffer.wrap(bytes, bytes.length - CRC_BYTES, CRC_BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if ((int) crc.getValue() != stored) {
            throw new CorruptBatchException("token batch checksum mismatch: the bytes were altered or truncated");
        }
    }

    private static void putTokens(ByteBuffer out, int[] tokens, boolean wide) {
        for (int t : tokens) {
            if (t < 0) {
                throw new IllegalArgumentException("token ids must be >= 0, was " + t);
            }
            if (wide) {
                out.putInt(t);
            } else {
                out.putShort((short) t);
            }
        }
    }

    private static int[] getTokens(ByteBuffer in, int n, int width) {
        int[] tokens = new int[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = width == 4 ? in.getInt() : Short.toUnsignedInt(in.getShort());
            if (tokens[i] < 0) {
                throw new CorruptBatchException("negative token id " + tokens[i]);
            }
        }
        return tokens;
    }
}
