package org.overfitguard.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overfitguard.contracts.spec.AugmentationSpec;
import org.overfitguard.text.augment.AugmentationCounts;
import org.overfitguard.text.augment.TextAugmenter;
import org.overfitguard.text.augment.WordNetSynonyms;
import org.overfitguard.text.synthetic.SyntheticGrammar;

class TextAugmenterTest {

    private static final WordNetSynonyms WORDNET = new WordNetSynonyms();
    /** About 25k words in 2,500 sentences. */
    private static String corpus;
    private static String[] corpusWords;

    @BeforeAll
    static void loadWordNetAndCorpus() {
        long start = System.nanoTime();
        List<String> big = WORDNET.synonyms("big");
        System.out.printf("extJWNL load + first lookup: %d ms; synonyms(big) = %s%n",
                (System.nanoTime() - start) / 1_000_000, big);
        corpus = SyntheticGrammar.english().corpus(2500, 11);
        corpusWords = words(corpus);
        assertTrue(corpusWords.length >= 20_000, "sample too small: " + corpusWords.length + " words");
    }

    @Test
    void allRatesZeroIsTheIdentity() {
        String odd = "  Leading space.\tTabs\tand  double  spaces!\n\nNew paragraph? no closing mark  ";
        TextAugmenter none = new TextAugmenter(spec(0, 0, 0, 0, 0), null);
        for (String text : new String[]{corpus, odd, "", "   "}) {
            TextAugmenter.Result r = none.augment(text, new Random(1));
            assertEquals(text, r.text());
            assertEquals(new AugmentationCounts(words(text).length, sentences(text), 0, 0, 0, 0, 0, 0, 0), r.counts());
        }
        assertEquals(4, none.augment(odd, new Random(1)).counts().sentences());
    }

    @Test
    void anUntouchedTextKeepsItsWhitespaceEvenWithRatesOn() {
        String odd = "  A b.\tC  d!\n\nE f  ";
        TextAugmenter.Result r = new TextAugmenter(spec(0, 1e-12, 0, 1e-12, 0), null).augment(odd, new Random(3));
        assertEquals(odd, r.text());
    }

    // Tolerance for an observed fraction k/n of Bernoulli(p) trials: 4 binomial standard deviations,
    // 4 * sqrt(p (1 - p) / n). A correct implementation lands outside it about once in 16,000 seeds;
    // the seeds are fixed, so each test is deterministic.
    private static double tolerance(double p, long trials) {
        return 4 * Math.sqrt(p * (1 - p) / trials);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3})
    void reorderingMovesTheRightShareOfSentencesAndLosesNone(double p) {
        String text = SyntheticGrammar.english().corpus(20_000, 5); // the unit is a sentence: 20k of them
        TextAugmenter.Result r = new TextAugmenter(spec(0, 0, 0, p, 0), null).augment(text, new Random(7));
        long n = r.counts().sentences();
        assertEquals(p, (double) r.counts().reorders() / n, tolerance(p, n));
        assertEquals(sortedSentences(text), sortedSentences(r.text()));
        assertNotEquals(text, r.text());
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3})
    void synonymReplacementHitsTheRightShareOfWordsThatHaveSynonyms(double p) {
        TextAugmenter.Result r = new TextAugmenter(spec(p, 0, 0, 0, 0), WORDNET).augment(corpus, new Random(13));
        long eligible = Arrays.stream(corpusWords).filter(w -> !WORDNET.synonyms(core(w).toLowerCase(Locale.ROOT)).isEmpty()).count();
        assertTrue(eligible > 5_000, "eligible words: " + eligible);
        System.out.printf("words with a WordNet synonym: %d of %d%n", eligible, corpusWords.length);
        assertEquals(p, (double) r.counts().synonyms() / eligible, tolerance(p, eligible));
        String[] out = words(r.text());
        assertEquals(corpusWords.length, out.length);
        long changed = 0;
        for (int i = 0; i < out.length; i++) {
            changed += out[i].equals(corpusWords[i]) ? 0 : 1;
        }
        assertEquals(r.counts().synonyms(), changed, "every replacement changes its word");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3})
    void wordDeletionDeletesTheRightShare(double p) {
        TextAugmenter.Result r = new TextAugmenter(spec(0, p, 0, 0, 0), null).augment(corpus, new Random(17));
        long n = corpusWords.length;
        // trials exclude a sentence's last remaining word; with sentences of 3+ words that bias is < 0.001
        assertEquals(p, (double) r.counts().deletions() / n, tolerance(p, n));
        assertEquals(n - r.counts().deletions(), words(r.text()).length);
    }

    @Test
    void deletionsAtRateOneLeaveEachSentencesLastWord() {
        String text = "One two three. Four five! Six? Seven eight";
        String expected = "three. five! Six? eight";
        TextAugmenter.Result words = new TextAugmenter(spec(0, 1, 0, 0, 0), null).augment(text, new Random(1));
        assertEquals(expected, words.text());
        assertEquals(4, words.counts().deletions()); // one, two, four, seven
        TextAugmenter.Result spans = new TextAugmenter(spec(0, 0, 0, 0, 1), null).augment(text, new Random(1));
        assertEquals(expected, spans.text());
        assertEquals(8, spans.counts().spanDeletions(), "every word starts a span");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3})
    void swappingSwapsTheRightShareAndKeepsEveryWord(double p) {
        TextAugmenter.Result r = new TextAugmenter(spec(0, 0, p, 0, 0), null).augment(corpus, new Random(19));
        long trials = corpusWords.length - r.counts().sentences(); // a sentence's last word has no right neighbour
        assertEquals(p, (double) r.counts().swaps() / trials, tolerance(p, trials));
        String[] out = words(r.text());
        Arrays.sort(out);
        String[] in = corpusWords.clone();
        Arrays.sort(in);
        assertTrue(Arrays.equals(in, out), "swaps only permute words");
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.1, 0.3})
    void spanDeletionStartsTheRightShareOfSpans(double p) {
        AugmentationSpec spec = new AugmentationSpec(0, 0, 0, 0, 3, p, 4, 0, 0);
        TextAugmenter.Result r = new TextAugmenter(spec, null).augment(corpus, new Random(23));
        long n = corpusWords.length;
        assertEquals(p, (double) r.counts().spanDeletions() / n, tolerance(p, n));
        long left = words(r.text()).length;
        assertTrue(left <= n - r.counts().spanDeletions() / 2, "spans delete words: " + left + " of " + n + " left");
        assertTrue(left >= r.counts().sentences(), "every sentence keeps a word");
    }

    @Test
    void synonymsComeFromWordNetAndKeepPunctuationAndCapitals() {
        String text = "The big car is fast.";
        TextAugmenter all = new TextAugmenter(spec(1, 0, 0, 0, 0), WORDNET);
        int replacements = 0;
        for (int seed = 0; seed < 20; seed++) {
            TextAugmenter.Result r = all.augment(text, new Random(seed));
            String[] in = words(text);
            String[] out = words(r.text());
            assertEquals(in.length, out.length);
            for (int i = 0; i < in.length; i++) {
                if (!in[i].equals(out[i])) {
                    replacements++;
                    List<String> allowed = WORDNET.synonyms(core(in[i]).toLowerCase(Locale.ROOT));
                    assertTrue(allowed.contains(core(out[i]).toLowerCase(Locale.ROOT)), out[i] + " not a synonym of " + in[i]);
                    assertEquals(in[i].endsWith("."), out[i].endsWith("."), "punctuation kept: " + out[i]);
                    assertEquals(Character.isUpperCase(in[i].charAt(0)), Character.isUpperCase(out[i].charAt(0)));
                }
            }
        }
        assertTrue(replacements >= 40, "big, car and fast have WordNet synonyms; replacements: " + replacements);
        System.out.println("e.g. " + all.augment(text, new Random(1)).text() + " | " + all.augment(text, new Random(2)).text());
    }

    @Test
    void invalidSpecsAreRejectedWithTheField() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new TextAugmenter(spec(0, 1.5, 0, 0, 0), null));
        assertTrue(e.getMessage().contains("augmentation.deletion_rate") && e.getMessage().contains("1.5"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> new TextAugmenter(spec(0.1, 0, 0, 0, 0), null));
        assertTrue(e.getMessage().contains("synonym"), e.getMessage());
    }

    private static AugmentationSpec spec(double synonym, double deletion, double swap, double reorder, double span) {
        return new AugmentationSpec(synonym, deletion, swap, reorder, 3, span, 4, 0, 0);
    }

    private static String[] words(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? new String[0] : trimmed.split("\\s+");
    }

    private static int sentences(String text) {
        String trimmed = text.strip();
        return trimmed.isEmpty() ? 0 : trimmed.split("(?<=[.!?])\\s+").length;
    }

    private static List<String> sortedSentences(String text) {
        return Arrays.stream(text.split("(?<=[.!?]) ")).sorted().toList();
    }

    private static String core(String word) {
        return word.replaceAll("^[^\\p{L}]+|[^\\p{L}]+$", "");
    }
}
