package org.overfitguard.text.tokenize;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The UTF-8 bytes of the text, ids 0..255, plus the mask id 256. Covers every text, so there is no
 * unknown id; decoding replaces malformed byte sequences (e.g. a window cut inside a character) with
 * U+FFFD instead of failing.
 */
public final class ByteTokenizer implements Tokenizer {

    private static final int MASK_ID = 256;

    @Override
    public String kind() {
        return "byte";
    }

    @Override
    public int vocabSize() {
        return MASK_ID + 1;
    }

    @Override
    public int[] encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        int[] ids = new int[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            ids[i] = bytes[i] & 0xFF;
        }
        return ids;
    }

    @Override
    public String decode(int[] ids) {
        byte[] bytes = new byte[ids.length];
        int n = 0;
        for (int id : ids) {
            if (id < 0 || id > MASK_ID) {
                throw new IllegalArgumentException("byte token id must be in [0, " + (MASK_ID + 1) + "), was " + id);
            }
            if (id != MASK_ID) {
                bytes[n++] = (byte) id;
            }
        }
        return new String(bytes, 0, n, StandardCharsets.UTF_8); // replaces malformed input with U+FFFD
    }

    @Override
    public List<String> vocabulary() {
        return List.of();
    }

    @Override
    public int unknownId() {
        return -1;
    }

    @Override
    public int maskId() {
        return MASK_ID;
    }
}
