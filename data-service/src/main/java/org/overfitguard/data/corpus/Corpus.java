package org.overfitguard.data.corpus;

import java.util.ArrayList;
import java.util.List;

/**
 * The text of a run: one document per file (directory source), or a single document.
 *
 * @param synthetic whether it came from the built-in grammar (its entropy floor is then known)
 */
public record Corpus(List<String> documents, boolean synthetic) {

    public long chars() {
        return documents.stream().mapToLong(String::length).sum();
    }

    /** The first {@code maxChars} characters, documents in order, never half a surrogate pair. */
    public Corpus cut(long maxChars) {
        List<String> kept = new ArrayList<>();
        long left = maxChars;
        for (String d : documents) {
            if (left <= 0) {
                break;
            }
            kept.add(d.length() <= left ? d : d.substring(0, CorpusLoader.codePointBoundary(d, (int) left)));
            left -= d.length();
        }
        return new Corpus(kept, synthetic);
    }
}
