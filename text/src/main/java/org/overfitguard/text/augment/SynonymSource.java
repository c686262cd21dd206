package org.overfitguard.text.augment;

import java.util.List;

/** Where synonym replacement gets its words; the order must be stable so a seed gives the same choice. */
public interface SynonymSource {

    /** Single-word synonyms of a lowercase word, without the word itself; empty when there are none. */
    List<String> synonyms(String lowercaseWord);
}
