package org.overfitguard.text.synthetic;

import java.util.List;
import java.util.Random;
import org.overfitguard.text.synthetic.Lexicon.NounKind;
import org.overfitguard.text.synthetic.Lexicon.Verb;
import org.overfitguard.text.tokenize.Tokenizer;

/**
 * A seeded probabilistic grammar of simple English, e.g. "The old farmer sold a red cart to the miller."
 * Because its source entropy is known, a model's held-out loss can be compared with the floor no
 * model can beat.
 *
 * <pre>
 * sentence    = statement "." | question "?" | exclamation "!"
 * statement   = clause ("," conjunction clause){0,2}
 * clause      = subject predicate
 * subject     = np(person | animal) [("who" | "which") predicate]
 * predicate   = [modal] verb [np(object)] [adverb] [preposition np(place ...)]
 * np          = determiner adjective{0,2} noun        (number agrees: "a cart", "two carts")
 * question    = ("did" | modal) subject predicate(base form)
 * exclamation = "what" ["a"] adjective noun subject past-transitive-verb
 * </pre>
 *
 * Every word class is disjoint and every constituent starts with a word of its own class, so the
 * words determine the derivation: P(sentence) = P(derivation), and {@link Sentence#logProbability()}
 * is exact.
 */
public final class SyntheticGrammar {

    /** @param logProbability natural log of the probability of exactly this sentence */
    public record Sentence(String text, double logProbability) {
    }

    /**
     * @param natsPerToken      source entropy per token, the floor of held-out loss
     * @param natsPerSentence   mean of -ln P(sentence)
     * @param tokensPerSentence mean tokens per sentence, the separating space included
     * @param method            how the numbers were computed
     */
    public record EntropyEstimate(double natsPerToken, double natsPerSentence, double tokensPerSentence, String method) {
    }

    private enum Kind { STATEMENT, QUESTION, EXCLAMATION }

    private enum Tense { PAST, PRESENT, MODAL, BASE }

    // Rule probabilities: mostly plain statements in the past, as in a story; the rest adds variety
    // a char model must learn (agreement, do-support, word order) without drowning the common case.
    private static final Choice<Kind> KINDS = new Choice<>(List.of(Kind.STATEMENT, Kind.QUESTION, Kind.EXCLAMATION),
            new double[]{0.90, 0.06, 0.04});
    /** Chance of a first and of a second conjoined clause. */
    private static final double[] ANOTHER_CLAUSE = {0.20, 0.10};
    private static final Choice<Tense> TENSES = new Choice<>(List.of(Tense.PAST, Tense.PRESENT, Tense.MODAL),
            new double[]{0.5, 0.3, 0.2});
    private static final Choice<Integer> ADJECTIVE_COUNT = new Choice<>(List.of(0, 1, 2), new double[]{0.55, 0.35, 0.10});
    private static final Choice<NounKind> SUBJECTS = new Choice<>(List.of(NounKind.PERSON, NounKind.ANIMAL),
            new double[]{0.65, 0.35});
    /** Objects are never places: "sold the river" is not English. */
    private static final Choice<NounKind> OBJECTS = new Choice<>(List.of(NounKind.PERSON, NounKind.ANIMAL, NounKind.THING),
            new double[]{0.25, 0.20, 0.55});
    private static final Choice<NounKind> PREPOSITION_OBJECTS = new Choice<>(List.of(NounKind.values()),
            new double[]{0.10, 0.10, 0.20, 0.60});
    private static final Choice<NounKind> EXCLAIMED = new Choice<>(List.of(NounKind.ANIMAL, NounKind.THING),
            new double[]{0.4, 0.6});
    private static final double PLURAL = 0.3;
    /** Low, so relative clauses stay rare and sentences short. */
    private static final double RELATIVE_CLAUSE = 0.08;
    private static final double TRANSITIVE = 0.6;
    private static final double ADVERB = 0.15;
    private static final double PREPOSITIONAL_PHRASE = 0.35;
    /** Questions open with "did" half the time, else with a modal. */
    private static final double DID = 0.5;

    private static final SyntheticGrammar ENGLISH = new SyntheticGrammar(new Lexicon());

    private final Lexicon lexicon;

    private SyntheticGrammar(Lexicon lexicon) {
        this.lexicon = lexicon;
    }

    /** The built-in grammar (582 words, about 1,080 written forms); immutable and safe to share. */
    public static SyntheticGrammar english() {
        return ENGLISH;
    }

    /** One sentence, capitalised and punctuated, with the log-probability of its derivation. */
    public Sentence sample(Random random) {
        Derivation d = new Derivation(random);
        return switch (d.pick(KINDS)) {
            case STATEMENT -> statement(d);
            case QUESTION -> question(d);
            case EXCLAMATION -> exclamation(d);
        };
    }

    /** {@code sentences} sentences joined by single spaces; the same seed gives the same text. */
    public String corpus(int sentences, long seed) {
        if (sentences < 0) {
            throw new IllegalArgumentException("sentences must be >= 0, was " + sentences);
        }
        Random random = new Random(seed);
        StringBuilder out = new StringBuilder(sentences * 56);
        for (int i = 0; i < sentences; i++) {
            if (i > 0) {
                out.append(' ');
            }
            out.append(sample(random).text());
        }
        return out.toString();
    }

    /**
     * Entropy rate of the corpus in nats per token of {@code tokenizer}: mean(-ln P(sentence)) over
     * mean(tokens per sentence). Sentences are independent and the space between them is certain, so
     * that ratio is the entropy of the stream per token; each -ln P is exact, only the mean is sampled.
     */
    public EntropyEstimate entropyPerToken(Tokenizer tokenizer, int samples, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("samples must be >= 1, was " + samples);
        }
        Random random = new Random(seed);
        double nats = 0;
        long tokens = 0;
        for (int i = 0; i < samples; i++) {
            Sentence s = sample(random);
            nats -= s.logProbability();
            tokens += tokenizer.encode(" " + s.text()).length; // as in the corpus: the space before it included
        }
        double natsPerSentence = nats / samples;
        double tokensPerSentence = (double) tokens / samples;
        String method = "Monte Carlo over " + samples + " sampled sentences (seed " + seed + "): mean exact -ln P(sentence)"
                + " divided by mean " + tokenizer.kind() + " tokens per sentence including the separating space.";
        return new EntropyEstimate(natsPerSentence / tokensPerSentence, natsPerSentence, tokensPerSentence, method);
    }

    private Sentence statement(Derivation d) {
        clause(d);
        for (int k = 0; k < ANOTHER_CLAUSE.length && d.chance(ANOTHER_CLAUSE[k]); k++) {
            d.attach(",");
            d.word(d.uniform(lexicon.conjunctions));
            clause(d);
        }
        return d.finish(".");
    }

    private Sentence question(Derivation d) {
        d.word(d.chance(DID) ? Lexicon.PAST_QUESTION_AUXILIARY : d.uniform(lexicon.modals));
        boolean plural = subject(d, true);
        predicate(d, Tense.BASE, plural);
        return d.finish("?");
    }

    /** "What a fine horse the miller bought!": the fronted object has exactly one adjective. */
    private Sentence exclamation(Derivation d) {
        d.word(Lexicon.EXCLAMATION);
        boolean plural = d.chance(PLURAL);
        if (!plural) {
            d.word(Lexicon.INDEFINITE);
        }
        d.word(d.uniform(lexicon.adjectives));
        d.word(d.uniform(lexicon.nouns.get(d.pick(EXCLAIMED))).form(plural));
        subject(d, false);
        d.word(d.uniform(lexicon.transitive).past());
        return d.finish("!");
    }

    private void clause(Derivation d) {
        boolean plural = subject(d, true);
        predicate(d, d.pick(TENSES), plural);
    }

    /** Returns whether the subject is plural, for agreement. */
    private boolean subject(Derivation d, boolean relativeAllowed) {
        NounKind kind = d.pick(SUBJECTS);
        boolean plural = nounPhrase(d, kind);
        if (relativeAllowed && d.chance(RELATIVE_CLAUSE)) {
            d.word(kind == NounKind.PERSON ? Lexicon.RELATIVE_PERSON : Lexicon.RELATIVE_OTHER);
            predicate(d, d.pick(TENSES), plural);
        }
        return plural;
    }

    private void predicate(Derivation d, Tense tense, boolean pluralSubject) {
        if (tense == Tense.MODAL) {
            d.word(d.uniform(lexicon.modals));
        }
        boolean transitive = d.chance(TRANSITIVE);
        Verb verb = d.uniform(transitive ? lexicon.transitive : lexicon.intransitive);
        d.word(switch (tense) {
            case PAST -> verb.past();
            case PRESENT -> pluralSubject ? verb.base() : verb.thirdPerson();
            case MODAL, BASE -> verb.base();
        });
        if (transitive) {
            nounPhrase(d, d.pick(OBJECTS));
        }
        if (d.chance(ADVERB)) {
            d.word(d.uniform(lexicon.adverbs));
        }
        if (d.chance(PREPOSITIONAL_PHRASE)) {
            d.word(d.uniform(lexicon.prepositions));
            nounPhrase(d, d.pick(PREPOSITION_OBJECTS));
        }
    }

    /** Returns whether the noun phrase is plural. */
    private boolean nounPhrase(Derivation d, NounKind kind) {
        boolean plural = d.chance(PLURAL);
        d.word(d.pick(plural ? lexicon.pluralDeterminers : lexicon.singularDeterminers));
        int adjectives = d.pick(ADJECTIVE_COUNT);
        if (adjectives == 1) {
            d.word(d.uniform(lexicon.adjectives));
        } else if (adjectives == 2) {
            d.uniformPair(lexicon.adjectives).forEach(d::word);
        }
        d.word(d.uniform(lexicon.nouns.get(kind)).form(plural));
        return plural;
    }
}
