package org.overfitguard.text.augment;

import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.overfitguard.contracts.spec.AugmentationSpec;

/**
 * Text-level augmentation of training text (the caller applies it to the train split only). In this
 * order, each an independent Bernoulli trial per eligible unit with its own rate:
 * <ol>
 *   <li>sentence reordering: each sentence moves to a uniformly chosen other position at most
 *       reorderWindow sentences away;</li>
 *   <li>synonym replacement: each word with a synonym becomes a uniformly chosen one, keeping its
 *       surrounding punctuation and leading capital;</li>
 *   <li>word deletion: each word is deleted, except a sentence's last remaining word (deleting a
 *       sentence's final word takes its closing punctuation with it);</li>
 *   <li>swap: each word but a sentence's last is swapped with its right neighbour (so a word swapped
 *       right may be swapped again);</li>
 *   <li>span deletion: each word starts a deleted span of uniform length 1..spanLength, cut at the
 *       sentence end; spans may overlap, and a sentence is never emptied (its last word stays).</li>
 * </ol>
 * Punctuation stays attached to its word. A text no operation touched comes back unchanged.
 */
public final class TextAugmenter {

    /** @param text the augmented text; @param counts what was done (token fields are 0 here) */
    public record Result(String text, AugmentationCounts counts) {
    }

    private final AugmentationSpec spec;
    private final SynonymSource synonyms;

    /** {@code synonyms} may be null when synonym_rate is 0, so WordNet is never loaded for nothing. */
    public TextAugmenter(AugmentationSpec spec, SynonymSource synonyms) {
        if (spec == null) {
            throw new IllegalArgumentException("augmentation spec must not be null");
        }
        rate("augmentation.synonym_rate", spec.synonymRate());
        rate("augmentation.deletion_rate", spec.deletionRate());
        rate("augmentation.swap_rate", spec.swapRate());
        rate("augmentation.reorder_rate", spec.reorderRate());
        rate("augmentation.span_deletion_rate", spec.spanDeletionRate());
        if (spec.reorderRate() > 0 && spec.reorderWindow() < 1) {
            throw new IllegalArgumentException("augmentation.reorder_window must be >= 1 when reorder_rate > 0, was "
                    + spec.reorderWindow());
        }
        if (spec.spanDeletionRate() > 0 && spec.spanLength() < 1) {
            throw new IllegalArgumentException("augmentation.span_length must be >= 1 when span_deletion_rate > 0, was "
                    + spec.spanLength());
        }
        if (spec.synonymRate() > 0 && synonyms == null) {
            throw new IllegalArgumentException("a synonym source is required when augmentation.synonym_rate > 0 (was "
                    + spec.synonymRate() + ")");
        }
        this.spec = spec;
        this.synonyms = synonyms;
    }

    /** One pass of every enabled operation; {@code random} is the caller's, seeded per (run seed, batch). */
    public Result augment(String text, Random random) {
        Passage passage = Passage.parse(text);
        List<Passage.Sentence> sentences = passage.sentences;
        long synonymCount = 0;
        long deletions = 0;
        long swaps = 0;
        long spans = 0;
        long reorders = spec.reorderRate() > 0 ? reorder(sentences, random) : 0;
        for (Passage.Sentence s : sentences) {
            synonymCount += spec.synonymRate() > 0 ? replaceSynonyms(s, random) : 0;
        }
        for (Passage.Sentence s : sentences) {
            deletions += spec.deletionRate() > 0 ? deleteWords(s, random) : 0;
        }
        for (Passage.Sentence s : sentences) {
            swaps += spec.swapRate() > 0 ? swapWords(s, random) : 0;
        }
        for (Passage.Sentence s : sentences) {
            spans += spec.spanDeletionRate() > 0 ? deleteSpans(s, random) : 0;
        }
        String out = spec.anyTextLevel() ? passage.render() : text;
        return new Result(out, new AugmentationCounts(passage.words(), sentences.size(), synonymCount, deletions,
                swaps, reorders, spans, 0, 0));
    }

    /**
     * One trial per sentence, in text order; a sentence already moved is not tried again. Moving a
     * sentence forward brings the next one into its slot, which is then tried in turn.
     */
    private long reorder(List<Passage.Sentence> sentences, Random random) {
        int n = sentences.size();
        if (n < 2) {
            return 0;
        }
        Set<Passage.Sentence> tried = new HashSet<>(); // identity: Sentence keeps Object.equals
        long moved = 0;
        int i = 0;
        while (i < n) {
            Passage.Sentence s = sentences.get(i);
            if (!tried.add(s) || !(random.nextDouble() < spec.reorderRate())) {
                i++;
                continue;
            }
            int low = Math.max(0, i - spec.reorderWindow());
            int high = Math.min(n - 1, i + spec.reorderWindow());
            int target = low + random.nextInt(high - low); // the other positions in [low, high]
            if (target >= i) {
                target++;
            }
            if (target > i) {
                Collections.rotate(sentences.subList(i, target + 1), -1); // s to target, the others one left
            } else {
                Collections.rotate(sentences.subList(target, i + 1), 1);
                i++;
            }
            moved++;
        }
        return moved;
    }

    private long replaceSynonyms(Passage.Sentence s, Random random) {
        long replaced = 0;
        for (int i = 0; i < s.words.size(); i++) {
            String word = s.words.get(i);
            int start = 0;
            int end = word.length();
            while (start < end && !Character.isLetter(word.charAt(start))) {
                start++;
            }
            while (end > start && !Character.isLetter(word.charAt(end - 1))) {
                end--;
            }
            String core = word.substring(start, end);
            if (core.isEmpty() || !core.chars().allMatch(Character::isLetter)) {
                continue; // numbers, contractions, "well-known": not looked up
            }
            List<String> options = synonyms.synonyms(core.toLowerCase(Locale.ROOT));
            if (options.isEmpty() || !(random.nextDouble() < spec.synonymRate())) {
                continue;
            }
            String synonym = options.get(random.nextInt(options.size()));
            if (Character.isUpperCase(core.charAt(0))) {
                synonym = Character.toUpperCase(synonym.charAt(0)) + synonym.substring(1);
            }
            s.words.set(i, word.substring(0, start) + synonym + word.substring(end));
            s.changed = true;
            replaced++;
        }
        return replaced;
    }

    /** Trials run left to right, so the word kept when all others went is the sentence's last. */
    private long deleteWords(Passage.Sentence s, Random random) {
        long deleted = 0;
        for (int i = 0; i < s.words.size() && s.words.size() > 1; ) {
            if (random.nextDouble() < spec.deletionRate()) {
                s.words.remove(i);
                s.changed = true;
                deleted++;
            } else {
                i++;
            }
        }
        return deleted;
    }

    private long swapWords(Passage.Sentence s, Random random) {
        long swapped = 0;
        for (int i = 0; i + 1 < s.words.size(); i++) {
            if (random.nextDouble() < spec.swapRate()) {
                Collections.swap(s.words, i, i + 1);
                s.changed = true;
                swapped++;
            }
        }
        return swapped;
    }

    private long deleteSpans(Passage.Sentence s, Random random) {
        int n = s.words.size();
        boolean[] deleted = new boolean[n];
        long started = 0;
        for (int i = 0; i < n; i++) {
            if (random.nextDouble() < spec.spanDeletionRate()) {
                int length = 1 + random.nextInt(spec.spanLength());
                for (int j = i; j < Math.min(n, i + length); j++) {
                    deleted[j] = true;
                }
                started++;
            }
        }
        if (started == 0) {
            return 0;
        }
        if (all(deleted)) {
            deleted[n - 1] = false; // never empty a sentence: keep its last word and its punctuation
        }
        for (int j = n - 1; j >= 0; j--) {
            if (deleted[j]) {
                s.words.remove(j);
            }
        }
        s.changed = true;
        return started;
    }

    private static boolean all(boolean[] flags) {
        for (boolean f : flags) {
            if (!f) {
                return false;
            }
        }
        return true;
    }

    private static void rate(String field, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(field + " must be in [0, 1], was " + value);
        }
    }
}
