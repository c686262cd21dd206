package org.overfitguard.text.tokenize;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import com.knuddels.jtokkit.api.IntArrayList;

import java.util.List;

/**
 * GPT-2's byte-level BPE (jtokkit's r50k_base, ids 0..50256) plus the mask id 50257. Text is encoded
 * as ordinary text: a literal "&lt;|endoftext|&gt;" in a corpus becomes its characters' tokens, not the
 * special token, so no input can fail to encode.
 */
public final class Gpt2Tokenizer implements Tokenizer {

    /** r50k_base's 50,256 merges and byte tokens plus &lt;|endoftext|&gt;. */
    private static final int BASE_VOCAB = 50257;
    private static final int MASK_ID = BASE_VOCAB;

    /** Loaded on first use and shared: parsing the merge table takes most of a second. */
    private static final class Shared {
        static final Encoding ENCODING = Encodings.newLazyEncodingRegistry().getEncoding(EncodingType.R50K_BASE);
    }

    @Override
    public String kind() {
        return "gpt2";
    }

    @Override
    public int vocabSize() {
        return BASE_VOCAB + 1;
    }

    @Override
    public int[] encode(String text) {
        return Shared.ENCODING.encodeOrdinary(text).toArray();
    }

    @Override
    public String decode(int[] ids) {
        IntArrayList kept = new IntArrayList(ids.length);
        for (int id : ids) {
            if (id < 0 || id > MASK_ID) {
                throw new IllegalArgumentException("gpt2 token id must be in [0, " + (MASK_ID + 1) + "), was " + id);
            }
            if (id != MASK_ID) {
                kept.add(id);
            }
        }
        return Shared.ENCODING.decode(kept);
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
