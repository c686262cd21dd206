package org.overfitguard.text.tokenize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One token per Unicode code point of the corpus. Id 0 is {@value #UNKNOWN} (any code point the
 * corpus lacked), id 1 is {@value #MASK}, then the corpus' distinct code points in ascending order.
 * Code points rather than chars, so a character outside the BMP is one symbol, not two halves.
 */
public final class CharTokenizer implements Tokenizer {

    public static final String UNKNOWN = "<unk>";
    public static final String MASK = "<mask>";
    private static final int UNKNOWN_ID = 0;
    private static final int MASK_ID = 1;
    /** What an unknown id decodes to: the Unicode replacement character. */
    private static final String REPLACEMENT = "\uFFFD";

    private final List<String> vocabulary;
    private final Map<Integer, Integer> idByCodePoint;

    private CharTokenizer(List<String> vocabulary) {
        this.vocabulary = List.copyOf(vocabulary);
        this.idByCodePoint = new HashMap<>();
        for (int id = MASK_ID + 1; id < vocabulary.size(); id++) {
            idByCodePoint.put(vocabulary.get(id).codePointAt(0), id);
        }
    }

    /** The corpus' distinct code points, sorted, after the two reserved symbols. */
    public static CharTokenizer fromCorpus(String corpus) {
        if (corpus == null) {
            throw new IllegalArgumentException("corpus must not be null");
        }
        List<String> vocabulary = new ArrayList<>(List.of(UNKNOWN, MASK));
        corpus.codePoints().distinct().sorted().forEach(cp -> vocabulary.add(Character.toString(cp)));
        return new CharTokenizer(vocabulary);
    }

    /**
     * Rebuilds a tokenizer from {@link #vocabulary()}, e.g. the list carried by DatasetPrepared, so
     * every service maps ids to the same symbols.
     */
    public static CharTokenizer fromVocabulary(List<String> vocabulary) {
        if (vocabulary == null || vocabulary.size() < 2) {
            throw new IllegalArgumentException("char vocabulary must start with \"" + UNKNOWN + "\", \"" + MASK
                    + "\", was " + (vocabulary == null ? "null" : vocabulary));
        }
        if (!UNKNOWN.equals(vocabulary.get(UNKNOWN_ID)) || !MASK.equals(vocabulary.get(MASK_ID))) {
            throw new IllegalArgumentException("char vocabulary must start with \"" + UNKNOWN + "\", \"" + MASK
                    + "\", was \"" + vocabulary.get(0) + "\", \"" + vocabulary.get(1) + "\"");
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int id = MASK_ID + 1; id < vocabulary.size(); id++) {
            String symbol = vocabulary.get(id);
            if (symbol == null || symbol.isEmpty() || symbol.codePointCount(0, symbol.length()) != 1) {
                throw new IllegalArgumentException("char vocabulary entry " + id
                        + " must be exactly one code point, was " + quote(symbol));
            }
            Integer earlier = seen.putIfAbsent(symbol, id);
            if (earlier != null) {
                throw new IllegalArgumentException("char vocabulary entry " + id + " " + quote(symbol)
                        + " duplicates entry " + earlier + "; each symbol may appear once");
            }
        }
        return new CharTokenizer(vocabulary);
    }

    @Override
    public String kind() {
        return "char";
    }

    @Override
    public int vocabSize() {
        return vocabulary.size();
    }

    @Override
    public int[] encode(String text) {
        return text.codePoints().map(cp -> idByCodePoint.getOrDefault(cp, UNKNOWN_ID)).toArray();
    }

    @Override
    public String decode(int[] ids) {
        StringBuilder out = new StringBuilder(ids.length);
        for (int id : ids) {
            if (id < 0 || id >= vocabulary.size()) {
                throw new IllegalArgumentException("char token id must be in [0, " + vocabulary.size() + "), was " + id);
            }
            if (id == UNKNOWN_ID) {
                out.append(REPLACEMENT);
            } else if (id != MASK_ID) {
                out.append(vocabulary.get(id));
            }
        }
        return out.toString();
    }

    @Override
    public List<String> vocabulary() {
        return vocabulary;
    }

    @Override
    public int unknownId() {
        return UNKNOWN_ID;
    }

    @Override
    public int maskId() {
        return MASK_ID;
    }

    private static String quote(String symbol) {
        return symbol == null ? "null" : "\"" + symbol + "\"";
    }
}
