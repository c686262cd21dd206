package org.overfitguard.contracts.spec;

/**
 * @param kind char (the corpus' characters plus an unknown symbol), byte (256 symbols) or gpt2 (BPE, 50257)
 */
public record TokenizerSpec(Kind kind) {

    public enum Kind { CHAR, BYTE, GPT2 }

    public static TokenizerSpec defaults() {
        return new TokenizerSpec(Kind.CHAR);
    }
}
