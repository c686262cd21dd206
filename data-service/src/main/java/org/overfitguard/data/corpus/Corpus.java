package org.overfitguard.data.corpus;

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
}
