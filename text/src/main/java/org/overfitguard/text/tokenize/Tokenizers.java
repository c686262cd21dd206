package org.overfitguard.text.tokenize;

import java.util.Locale;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.spec.TokenizerSpec;

/** Builds the run's tokenizer: from the corpus in data-service, from DatasetPrepared everywhere else. */
public final class Tokenizers {

    private Tokenizers() {
    }

    /** The tokenizer of the given kind; only char depends on the corpus (its vocabulary). */
    public static Tokenizer forCorpus(TokenizerSpec.Kind kind, String corpus) {
        if (kind == null) {
            throw new IllegalArgumentException("tokenizer kind must be one of CHAR, BYTE, GPT2, was null");
        }
        return switch (kind) {
            case CHAR -> CharTokenizer.fromCorpus(corpus);
            case BYTE -> new ByteTokenizer();
            case GPT2 -> new Gpt2Tokenizer();
        };
    }

    /**
     * The tokenizer data-service used, rebuilt from its event; checks that the event's vocabulary size,
     * unknown id and mask id agree with it, because a model built on different ids would train silently wrong.
     */
    public static Tokenizer fromDataset(DatasetPrepared dataset) {
        String name = dataset.tokenizer() == null ? "null" : dataset.tokenizer().toLowerCase(Locale.ROOT);
        Tokenizer tokenizer = switch (name) {
            case "char" -> CharTokenizer.fromVocabulary(dataset.vocabulary());
            case "byte" -> new ByteTokenizer();
            case "gpt2" -> new Gpt2Tokenizer();
            default -> throw new IllegalArgumentException(
                    "DatasetPrepared.tokenizer must be one of char, byte, gpt2, was " + dataset.tokenizer());
        };
        check("vocabSize", dataset.vocabSize(), tokenizer.vocabSize(), tokenizer);
        check("unknownTokenId", dataset.unknownTokenId(), tokenizer.unknownId(), tokenizer);
        check("maskTokenId", dataset.maskTokenId(), tokenizer.maskId(), tokenizer);
        return tokenizer;
    }

    private static void check(String field, int announced, int actual, Tokenizer tokenizer) {
        if (announced != actual) {
            throw new IllegalArgumentException("DatasetPrepared." + field + " is " + announced + " but the "
                    + tokenizer.kind() + " tokenizer has " + actual);
        }
    }
}
