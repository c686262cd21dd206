package org.overfitguard.text;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.spec.TokenizerSpec;
import org.overfitguard.text.synthetic.SyntheticGrammar;
import org.overfitguard.text.synthetic.SyntheticGrammar.EntropyEstimate;
import org.overfitguard.text.synthetic.SyntheticGrammar.Sentence;
import org.overfitguard.text.tokenize.CharTokenizer;
import org.overfitguard.text.tokenize.Tokenizer;
import org.overfitguard.text.tokenize.Tokenizers;

class SyntheticGrammarTest {

    private static final SyntheticGrammar GRAMMAR = SyntheticGrammar.english();

    @Test
    void corpusIsDeterministicPerSeedAndWellFormed() {
        String corpus = GRAMMAR.corpus(300, 42);
        assertEquals(corpus, GRAMMAR.corpus(300, 42));
        assertNotEquals(corpus, GRAMMAR.corpus(300, 43));
        String[] sentences = corpus.split("(?<=[.!?]) ");
        assertEquals(300, sentences.length);
        for (String s : sentences) { // capitalised plain words, a comma only before a conjunction, one closing mark
            assertTrue(s.matches("[A-Z][a-z]*(,? [a-z]+)*[.!?]"), s);
        }
        System.out.println("grammar sample: " + corpus.substring(0, 400));
    }

    @Test
    void sixHundredSentencesAreAlmostAllDistinct() {
        Random random = new Random(600);
        Set<String> distinct = new HashSet<>();
        for (int i = 0; i < 600; i++) {
            Sentence s = GRAMMAR.sample(random);
            assertTrue(s.logProbability() < 0 && Double.isFinite(s.logProbability()), s.toString());
            distinct.add(s.text());
        }
        System.out.println("distinct sentences in 600: " + distinct.size());
        assertTrue(distinct.size() >= 570, "at least 95% distinct, was " + distinct.size());
    }

    /**
     * logProbability is the probability of the text (not just of one of several derivations) if it
     * predicts how often sentences repeat: among n samples the expected number of equal pairs is
     * C(n, 2) * sum_x P(x)^2 = C(n, 2) * E[P(X)], and E[P(X)] is estimated from the samples' own
     * logProbability. An ambiguous grammar or a missed choice would make the prediction too low or high.
     */
    @Test
    void logProbabilityPredictsHowOftenSentencesRepeat() {
        int n = 200_000;
        Random random = new Random(4);
        Map<String, Integer> counts = new HashMap<>();
        double meanProbability = 0;
        for (int i = 0; i < n; i++) {
            Sentence s = GRAMMAR.sample(random);
            counts.merge(s.text(), 1, Integer::sum);
            meanProbability += Math.exp(s.logProbability()) / n;
        }
        long pairs = counts.values().stream().mapToLong(c -> (long) c * (c - 1) / 2).sum();
        double expected = (double) n * (n - 1) / 2 * meanProbability;
        // pairs is close to Poisson(expected) (about 1,200 here): 4 standard deviations is 4 * sqrt(expected), ~12%
        assertEquals(expected, pairs, 4 * Math.sqrt(expected), "equal pairs among " + n + " samples");
    }

    @Test
    void entropyIsPositiveFiniteAndStableAcrossSeeds() {
        Tokenizer chars = CharTokenizer.fromCorpus(GRAMMAR.corpus(2000, 1));
        EntropyEstimate a = GRAMMAR.entropyPerToken(chars, 5000, 1);
        EntropyEstimate b = GRAMMAR.entropyPerToken(chars, 5000, 2);
        System.out.println("entropy " + a + "\nentropy " + b);
        for (EntropyEstimate e : new EntropyEstimate[]{a, b}) {
            assertTrue(e.natsPerToken() > 0 && Double.isFinite(e.natsPerToken()), e.toString());
            assertEquals(e.natsPerSentence() / e.tokensPerSentence(), e.natsPerToken(), 1e-12);
            assertTrue(e.method().contains("5000"), e.method());
        }
        assertEquals(1, a.natsPerToken() / b.natsPerToken(), 0.05, "two seeds within 5%");
        // the design target: hard enough to stay above a small model's loss, learnable by a char model
        assertTrue(a.natsPerToken() >= 0.5 && a.natsPerToken() <= 1.2, "nats per char " + a.natsPerToken());
    }

    @Test
    void entropyPerSentenceDoesNotDependOnTheTokenizer() {
        Tokenizer chars = CharTokenizer.fromCorpus(GRAMMAR.corpus(2000, 1));
        Tokenizer gpt2 = Tokenizers.forCorpus(TokenizerSpec.Kind.GPT2, "");
        EntropyEstimate perChar = GRAMMAR.entropyPerToken(chars, 2000, 3);
        EntropyEstimate perBpe = GRAMMAR.entropyPerToken(gpt2, 2000, 3);
        System.out.println("entropy " + perBpe);
        assertEquals(perChar.natsPerSentence(), perBpe.natsPerSentence(), 1e-9, "same seed, same sentences");
        assertTrue(perBpe.tokensPerSentence() < perChar.tokensPerSentence() / 3, "BPE merges characters");
        assertTrue(perBpe.natsPerToken() > 3 * perChar.natsPerToken());
    }
}
