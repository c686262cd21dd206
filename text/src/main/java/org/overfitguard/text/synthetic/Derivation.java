package org.overfitguard.text.synthetic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * One sentence being derived: every random decision goes through here, so the log-probability of the
 * derivation is the exact sum of the logs of the choices made. Decisions with a single outcome (a vs
 * an, who vs which) are not choices and add nothing.
 */
final class Derivation {

    private final Random random;
    private final List<String> words = new ArrayList<>();
    private double logProbability;

    Derivation(Random random) {
        this.random = random;
    }

    boolean chance(double p) {
        boolean yes = random.nextDouble() < p;
        logProbability += Math.log(yes ? p : 1 - p);
        return yes;
    }

    <T> T uniform(List<T> options) {
        logProbability -= Math.log(options.size());
        return options.get(random.nextInt(options.size()));
    }

    /** Two different options in order: probability 1 / (n (n - 1)). */
    <T> List<T> uniformPair(List<T> options) {
        int n = options.size();
        int first = random.nextInt(n);
        int second = random.nextInt(n - 1);
        if (second >= first) {
            second++;
        }
        logProbability -= Math.log(n) + Math.log(n - 1);
        return List.of(options.get(first), options.get(second));
    }

    <T> T pick(Choice<T> choice) {
        double[] p = choice.probabilities();
        double u = random.nextDouble();
        int i = 0;
        double cumulative = p[0];
        while (u >= cumulative && i < p.length - 1) {
            cumulative += p[++i];
        }
        logProbability += Math.log(p[i]);
        return choice.options().get(i);
    }

    void word(String word) {
        words.add(word);
    }

    /** Appends a punctuation mark to the last word, the way it is written. */
    void attach(String mark) {
        words.set(words.size() - 1, words.get(words.size() - 1) + mark);
    }

    /** Writes "a" as "an" before a vowel, capitalises the first word and closes with the mark. */
    SyntheticGrammar.Sentence finish(String mark) {
        attach(mark);
        for (int i = 0; i + 1 < words.size(); i++) {
            if (words.get(i).equals(Lexicon.INDEFINITE) && "aeiou".indexOf(words.get(i + 1).charAt(0)) >= 0) {
                words.set(i, Lexicon.INDEFINITE_BEFORE_VOWEL);
            }
        }
        String first = words.get(0);
        words.set(0, first.substring(0, 1).toUpperCase(Locale.ROOT) + first.substring(1));
        return new SyntheticGrammar.Sentence(String.join(" ", words), logProbability);
    }
}
