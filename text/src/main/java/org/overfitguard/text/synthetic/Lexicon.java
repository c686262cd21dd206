package org.overfitguard.text.synthetic;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The words of the synthetic English, by class. Classes are disjoint and every inflected form is
 * distinct (checked when the lexicon is built): together with rules that start each constituent with
 * a word of its own class, that makes a sentence's words determine its derivation, so P(sentence) is
 * the product of the choices that produced it. Irregular forms are written "base/irregular".
 */
final class Lexicon {

    static final String INDEFINITE = "a";
    static final String INDEFINITE_BEFORE_VOWEL = "an";

    enum NounKind { PERSON, ANIMAL, THING, PLACE }

    record Noun(String singular, String plural) {
        String form(boolean plural) {
            return plural ? this.plural : singular;
        }
    }

    record Verb(String base, String thirdPerson, String past) {
    }

    private static final String PEOPLE = """
            farmer miller baker weaver potter tailor sailor soldier merchant priest king queen prince princess
            knight shepherd hunter fisherman/fishermen blacksmith carpenter mason butcher widow orphan stranger
            traveller pilgrim monk nun nurse doctor teacher student clerk judge lawyer thief/thieves beggar poet
            painter singer dancer child/children boy girl woman/women man/men uncle aunt cousin grandmother
            grandfather neighbour captain servant maid gardener hermit scholar wizard witch giant innkeeper
            porter messenger peddler jester squire mayor sheriff bride lady duke duchess shopkeeper""";
    private static final String ANIMALS = """
            dog cat horse goat cow pig donkey mule ox/oxen hen rooster goose/geese owl fox wolf/wolves bear
            rabbit hare mouse/mice rat crow raven sparrow pigeon swan frog toad snake lizard beetle spider bee
            badger otter squirrel hedgehog lamb calf/calves pony camel parrot eagle hawk falcon tortoise kitten
            puppy weasel magpie heron stork""";
    private static final String THINGS = """
            cart basket barrel bucket lantern candle blanket cloak hat boot ring coin key sword shield axe rope
            ladder wagon boat bottle jar cup bowl plate spoon knife/knives loaf/loaves cake pie apple pear cheese
            jug kettle pot pan chair table bench chest box bag sack letter book map scroll flute drum bell clock
            mirror comb brush needle saddle plough spade rake anvil quilt pillow feather pebble shell flag wheel
            crown necklace bracelet statue carpet curtain violin harp trumpet umbrella scarf/scarves glove belt
            purse coat apron""";
    private static final String PLACES = """
            river market bridge forest meadow village castle tower mill bakery church chapel harbour garden
            orchard barn stable well fountain square road lane hill valley lake pond field farm inn tavern palace
            cottage cave cliff shore beach island swamp marsh grove quarry courtyard kitchen cellar attic library
            school hall workshop forge dock pier pasture vineyard monastery cathedral city town""";
    private static final String ADJECTIVES = """
            old young red blue green yellow brown black white grey small tall short big little large heavy
            bright dark quiet loud gentle brave clever foolish kind cruel proud humble happy sad angry tired
            hungry lazy busy rich poor lucky strange famous wise wild tame sleepy clumsy graceful cheerful grumpy
            nervous calm curious shy stubborn patient jolly noble wicked handsome pretty ugly fat thin strong
            weak fierce friendly silent ancient dusty muddy shiny wooden golden broken rusty empty enormous tiny
            round narrow wide crooked elegant plain smooth rough soft hard warm cold fresh dry wet sturdy fragile
            purple orange""";
    private static final String ADVERBS = """
            quickly slowly quietly loudly happily sadly gently carefully suddenly eagerly proudly angrily calmly
            bravely wisely cheerfully nervously patiently secretly openly politely rudely softly boldly gladly
            warmly briskly lazily clumsily silently swiftly sternly merrily foolishly honestly gracefully shyly
            kindly bitterly""";
    private static final String TRANSITIVE = """
            sell/sold buy/bought find/found carry bring/brought take/took see/saw watch follow greet help visit
            paint build/built fix clean lift push pull chase feed/fed hide/hid lose/lost keep/kept hold/held
            catch/caught admire borrow lend/lent steal/stole mend wash polish count trust thank praise hire
            meet/met call need want love hate fear remember forget/forgot notice sketch weigh load drag/dragged
            grab/grabbed hug/hugged kick scold tease fetch deliver describe examine ignore invite welcome protect
            rescue carve repair comfort warn blame""";
    private static final String INTRANSITIVE = """
            laugh smile sleep/slept wait rest sing/sang dance wander shout cry sigh run/ran swim/swam arrive
            leave/left fall/fell kneel/knelt pray work travel/travelled hurry linger tremble whistle yawn sneeze
            cough jump nod/nodded frown weep/wept grumble hesitate stumble shiver blush giggle vanish return
            sit/sat stand/stood listen complain sulk""";
    private static final String PREPOSITIONS =
            "near behind beside across along under over through into toward around by at in on with from to beyond inside";
    private static final String CONJUNCTIONS = "and but so yet while because";
    private static final String MODALS = "will can could should would might must";
    /** After "the" and "a", which carry most of the mass, come these, sharing the rest equally. */
    private static final String SINGULAR_DETERMINERS = "the a this that every each my his her our their your no one";
    private static final String PLURAL_DETERMINERS = "the some these those many two three several few my his her our their your";

    static final String PAST_QUESTION_AUXILIARY = "did";
    static final String EXCLAMATION = "what";
    static final String RELATIVE_PERSON = "who";
    static final String RELATIVE_OTHER = "which";

    final Map<NounKind, List<Noun>> nouns = new EnumMap<>(NounKind.class);
    final List<String> adjectives = words(ADJECTIVES);
    final List<String> adverbs = words(ADVERBS);
    final List<Verb> transitive = verbs(TRANSITIVE);
    final List<Verb> intransitive = verbs(INTRANSITIVE);
    final List<String> prepositions = words(PREPOSITIONS);
    final List<String> conjunctions = words(CONJUNCTIONS);
    final List<String> modals = words(MODALS);
    final Choice<String> singularDeterminers = Choice.favouring(words(SINGULAR_DETERMINERS), 0.40, 0.30);
    final Choice<String> pluralDeterminers = Choice.favouring(words(PLURAL_DETERMINERS), 0.40, 0.15);
    /** Distinct written words over all classes and forms. */
    final int size;

    Lexicon() {
        nouns.put(NounKind.PERSON, nouns(PEOPLE));
        nouns.put(NounKind.ANIMAL, nouns(ANIMALS));
        nouns.put(NounKind.THING, nouns(THINGS));
        nouns.put(NounKind.PLACE, nouns(PLACES));
        size = owners().size();
    }

    /** Every written form with the one class (and lexeme, form) it belongs to; fails on any overlap. */
    private Map<String, String> owners() {
        Map<String, String> owner = new HashMap<>();
        nouns.forEach((kind, list) -> list.forEach(n -> {
            claim(owner, n.singular(), "noun." + kind + " " + n.singular() + " (singular)");
            claim(owner, n.plural(), "noun." + kind + " " + n.singular() + " (plural)");
        }));
        for (Verb v : transitive) {
            claimVerb(owner, v, "verb.transitive");
        }
        for (Verb v : intransitive) {
            claimVerb(owner, v, "verb.intransitive");
        }
        adjectives.forEach(w -> claim(owner, w, "adjective"));
        adverbs.forEach(w -> claim(owner, w, "adverb"));
        prepositions.forEach(w -> claim(owner, w, "preposition"));
        conjunctions.forEach(w -> claim(owner, w, "conjunction"));
        modals.forEach(w -> claim(owner, w, "modal"));
        // one class for both determiner lists: "the" before a singular and a plural noun is one word
        singularDeterminers.options().forEach(w -> claim(owner, w, "determiner"));
        pluralDeterminers.options().forEach(w -> claim(owner, w, "determiner"));
        claim(owner, INDEFINITE_BEFORE_VOWEL, "determiner");
        claim(owner, PAST_QUESTION_AUXILIARY, "auxiliary");
        claim(owner, EXCLAMATION, "exclamation");
        claim(owner, RELATIVE_PERSON, "relative");
        claim(owner, RELATIVE_OTHER, "relative");
        return owner;
    }

    private static void claimVerb(Map<String, String> owner, Verb v, String cls) {
        claim(owner, v.base(), cls + " " + v.base() + " (base)");
        claim(owner, v.thirdPerson(), cls + " " + v.base() + " (third person)");
        claim(owner, v.past(), cls + " " + v.base() + " (past)");
    }

    private static void claim(Map<String, String> owner, String word, String what) {
        if (!word.matches("[a-z]+")) {
            throw new IllegalStateException("lexicon words must be lowercase letters only, was \"" + word + "\" (" + what + ")");
        }
        String previous = owner.putIfAbsent(word, what);
        if (previous != null && !previous.equals(what)) {
            throw new IllegalStateException("lexicon word \"" + word + "\" is both " + previous + " and " + what
                    + "; word classes and forms must be disjoint for the grammar to be unambiguous");
        }
    }

    private static List<String> words(String text) {
        return List.of(text.trim().split("\\s+"));
    }

    private static List<Noun> nouns(String text) {
        List<Noun> out = new ArrayList<>();
        for (String entry : words(text)) {
            String[] parts = entry.split("/");
            out.add(new Noun(parts[0], parts.length > 1 ? parts[1] : plural(parts[0])));
        }
        return List.copyOf(out);
    }

    private static List<Verb> verbs(String text) {
        return Arrays.stream(text.trim().split("\\s+")).map(entry -> {
            String[] parts = entry.split("/");
            return new Verb(parts[0], thirdPerson(parts[0]), parts.length > 1 ? parts[1] : past(parts[0]));
        }).toList();
    }

    private static String plural(String noun) {
        if (noun.matches(".*(s|x|z|ch|sh)")) {
            return noun + "es";
        }
        return consonantY(noun) ? noun.substring(0, noun.length() - 1) + "ies" : noun + "s";
    }

    private static String thirdPerson(String verb) {
        return verb.matches(".*(s|x|z|ch|sh|o)") ? verb + "es" : plural(verb);
    }

    private static String past(String verb) {
        if (verb.endsWith("e")) {
            return verb + "d";
        }
        return consonantY(verb) ? verb.substring(0, verb.length() - 1) + "ied" : verb + "ed";
    }

    private static boolean consonantY(String word) {
        return word.length() > 1 && word.endsWith("y") && "aeiou".indexOf(word.charAt(word.length() - 2)) < 0;
    }
}
