package org.overfitguard.text.augment;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A text as sentences of whitespace-separated words, with the whitespace kept so that an untouched
 * text renders back byte for byte. A sentence ends at a word ending in . ! or ? (punctuation stays on
 * its word). Whitespace between sentences stays in place when sentences move; a sentence whose words
 * changed is rendered with single spaces.
 */
final class Passage {

    private static final Pattern WORD = Pattern.compile("\\S+");

    static final class Sentence {
        final String original;
        final List<String> words;
        boolean changed;

        Sentence(String original, List<String> words) {
            this.original = original;
            this.words = words;
        }

        String render() {
            return changed ? String.join(" ", words) : original;
        }
    }

    final List<Sentence> sentences = new ArrayList<>();
    private final List<String> gaps = new ArrayList<>();
    private String leading = "";
    private String trailing = "";
    private final int words;

    private Passage(String text) {
        Matcher m = WORD.matcher(text);
        int sentenceStart = -1;
        int previousEnd = 0;
        int count = 0;
        List<String> current = new ArrayList<>();
        while (m.find()) {
            count++;
            if (sentenceStart < 0) {
                String gap = text.substring(previousEnd, m.start());
                if (sentences.isEmpty()) {
                    leading = gap;
                } else {
                    gaps.add(gap);
                }
                sentenceStart = m.start();
            }
            current.add(m.group());
            previousEnd = m.end();
            if (endsSentence(m.group())) {
                sentences.add(new Sentence(text.substring(sentenceStart, previousEnd), current));
                current = new ArrayList<>();
                sentenceStart = -1;
            }
        }
        if (!current.isEmpty()) { // a last sentence without closing punctuation, e.g. a chunk cut mid-sentence
            sentences.add(new Sentence(text.substring(sentenceStart, previousEnd), current));
        }
        if (sentences.isEmpty()) {
            leading = text;
        } else {
            trailing = text.substring(previousEnd);
        }
        words = count;
    }

    static Passage parse(String text) {
        return new Passage(text);
    }

    int words() {
        return words;
    }

    String render() {
        StringBuilder out = new StringBuilder(leading);
        for (int i = 0; i < sentences.size(); i++) {
            if (i > 0) {
                out.append(gaps.get(i - 1));
            }
            out.append(sentences.get(i).render());
        }
        return out.append(trailing).toString();
    }

    private static boolean endsSentence(String word) {
        char last = word.charAt(word.length() - 1);
        return last == '.' || last == '!' || last == '?';
    }
}
