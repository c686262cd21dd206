package org.overfitguard.text.tokenize;

import java.util.List;

/**
 * Text to token ids and back. Every tokenizer reserves one id for token masking, so a masked input
 * never collides with a real symbol; {@link #decode} drops it.
 */
public interface Tokenizer {

    /** char, byte or gpt2: the name written into DatasetPrepared. */
    String kind();

    /** Ids run from 0 to vocabSize() - 1, the unknown and mask ids included. */
    int vocabSize();

    int[] encode(String text);

    /** Inverse of {@link #encode} for text the tokenizer covers; the mask id decodes to nothing. */
    String decode(int[] ids);

    /** The symbol of each id (index = id) for char; empty for byte and gpt2, whose symbols are not text. */
    List<String> vocabulary();

    /** Id of the unknown symbol, or -1 when every input can be encoded. */
    int unknownId();

    /** Id used by token masking; never produced by {@link #encode}. */
    int maskId();
}
