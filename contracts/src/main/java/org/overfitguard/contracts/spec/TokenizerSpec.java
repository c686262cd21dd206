package org.overfitguard.contracts.spec;

/**
 * @param kind char (the corpus' characters plus an unknown symbol), byte (256 symbols) or gpt2 (BPE, 50257)
 */
public record TokenizerSpec(Kind kind) {

    /** The most symbols a char vocabulary may have (with unknown and mask); a corpus with more fails its run. */
    public static final int MAX_CHAR_VOCABULARY = 4096;

    /** The largest vocabulary each tokenizer can produce: what limits are checked against before the corpus is read. */
    public static int largestVocabulary(Kind kind) {
        return switch (kind) {
            case CHAR -> MAX_CHAR_VOCABULARY;
            case BYTE -> 257;
            case GPT2 -> 50258;
        };
    }

    public enum Kind { CHAR, BYTE, GPT2 }

    public static TokenizerSpec defaults() {
        return new TokenizerSpec(Kind.CHAR);
    }
}
