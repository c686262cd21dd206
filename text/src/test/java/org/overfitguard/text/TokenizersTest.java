package org.overfitguard.text;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.spec.TokenizerSpec;
import org.overfitguard.text.tokenize.CharTokenizer;
import org.overfitguard.text.tokenize.Tokenizer;
import org.overfitguard.text.tokenize.Tokenizers;

class TokenizersTest {

    private static final String MIXED = "Hello, wörld! naïve café — 日本語 𝄞 done.";

    @Test
    void charRoundTripsItsCorpusAndMarksUnknownCharacters() {
        Tokenizer t = Tokenizers.forCorpus(TokenizerSpec.Kind.CHAR, MIXED);
        assertEquals("char", t.kind());
        assertEquals(MIXED, t.decode(t.encode(MIXED)));
        assertEquals(MIXED.codePointCount(0, MIXED.length()), t.encode(MIXED).length, "one token per code point, 𝄞 included");
        assertEquals(List.of("<unk>", "<mask>"), t.vocabulary().subList(0, 2));
        assertEquals(t.vocabSize(), t.vocabulary().size());
        List<String> symbols = t.vocabulary().subList(2, t.vocabSize());
        assertEquals(symbols.stream().sorted((a, b) -> Integer.compare(a.codePointAt(0), b.codePointAt(0))).toList(), symbols);
        for (int id = 2; id < t.vocabSize(); id++) {
            assertEquals(t.vocabulary().get(id), t.decode(new int[]{id}));
        }

        int[] ids = t.encode("Hex? 𝄞");
        assertEquals(0, t.unknownId());
        assertEquals(t.unknownId(), ids[2], "'x' is not in the corpus");
        assertEquals(t.unknownId(), ids[3], "'?' is not in the corpus");
        assertEquals("He\uFFFD\uFFFD 𝄞", t.decode(ids));
        assertEquals(1, t.maskId());
        assertEquals("He", t.decode(new int[]{ids[0], t.maskId(), ids[1], t.maskId()}));
        assertThrows(IllegalArgumentException.class, () -> t.decode(new int[]{t.vocabSize()}));
    }

    @Test
    void charFromVocabularyIsTheInverseOfVocabulary() {
        CharTokenizer original = CharTokenizer.fromCorpus(MIXED);
        CharTokenizer rebuilt = CharTokenizer.fromVocabulary(original.vocabulary());
        assertEquals(original.vocabulary(), rebuilt.vocabulary());
        assertArrayEquals(original.encode(MIXED + " xyz"), rebuilt.encode(MIXED + " xyz"));
    }

    @Test
    void charFromVocabularyRejectsMalformedVocabularies() {
        assertMessage(() -> CharTokenizer.fromVocabulary(List.of("<mask>", "<unk>", "a")), "<unk>");
        assertMessage(() -> CharTokenizer.fromVocabulary(List.of("<unk>")), "<mask>");
        assertMessage(() -> CharTokenizer.fromVocabulary(null), "null");
        assertMessage(() -> CharTokenizer.fromVocabulary(List.of("<unk>", "<mask>", "a", "ab")), "entry 3");
        assertMessage(() -> CharTokenizer.fromVocabulary(List.of("<unk>", "<mask>", "")), "exactly one code point");
        assertMessage(() -> CharTokenizer.fromVocabulary(List.of("<unk>", "<mask>", "a", "b", "a")), "duplicates entry 2");
        assertEquals(3, CharTokenizer.fromVocabulary(List.of("<unk>", "<mask>", "𝄞")).vocabSize(), "a surrogate pair is one code point");
    }

    @Test
    void byteRoundTripsMultiByteUtf8AndDropsTheMask() {
        Tokenizer t = Tokenizers.forCorpus(TokenizerSpec.Kind.BYTE, "ignored");
        assertEquals(257, t.vocabSize());
        assertEquals(256, t.maskId());
        assertEquals(-1, t.unknownId());
        assertEquals(List.of(), t.vocabulary());
        int[] ids = t.encode(MIXED);
        assertEquals(MIXED.getBytes(StandardCharsets.UTF_8).length, ids.length);
        assertTrue(Arrays.stream(ids).allMatch(id -> id >= 0 && id < 256));
        assertEquals(MIXED, t.decode(ids));
        int[] withMasks = new int[ids.length * 2];
        for (int i = 0; i < ids.length; i++) {
            withMasks[2 * i] = ids[i];
            withMasks[2 * i + 1] = t.maskId();
        }
        assertEquals(MIXED, t.decode(withMasks));
        assertEquals("a\uFFFDb", t.decode(new int[]{'a', 0xE6, 'b'}), "a cut multi-byte character becomes U+FFFD");
    }

    @Test
    void gpt2MatchesKnownIdsAndRoundTrips() {
        Tokenizer t = Tokenizers.forCorpus(TokenizerSpec.Kind.GPT2, "ignored");
        assertArrayEquals(new int[]{15496, 995}, t.encode("Hello world"));
        assertEquals(50258, t.vocabSize());
        assertEquals(50257, t.maskId());
        assertEquals("Hello world", t.decode(new int[]{15496, t.maskId(), 995}));
        assertEquals(MIXED, t.decode(t.encode(MIXED)));
        String special = "end <|endoftext|> here";
        assertTrue(Arrays.stream(t.encode(special)).noneMatch(id -> id == 50256), "special tokens are plain text");
        assertEquals(special, t.decode(t.encode(special)));
    }

    @Test
    void fromDatasetRebuildsTheAnnouncedTokenizer() {
        CharTokenizer chars = CharTokenizer.fromCorpus(MIXED);
        Tokenizer rebuilt = Tokenizers.fromDataset(dataset("char", chars.vocabSize(), chars.vocabulary(), 0, 1));
        assertInstanceOf(CharTokenizer.class, rebuilt);
        assertArrayEquals(chars.encode(MIXED), rebuilt.encode(MIXED));
        assertEquals("byte", Tokenizers.fromDataset(dataset("byte", 257, List.of(), -1, 256)).kind());
        assertEquals("gpt2", Tokenizers.fromDataset(dataset("gpt2", 50258, List.of(), -1, 50257)).kind());

        assertMessage(() -> Tokenizers.fromDataset(dataset("word", 10, List.of(), -1, 9)), "word");
        assertMessage(() -> Tokenizers.fromDataset(dataset("gpt2", 50257, List.of(), -1, 50256)), "vocabSize is 50257");
        assertMessage(() -> Tokenizers.fromDataset(dataset("byte", 257, List.of(), -1, 0)), "maskTokenId is 0");
    }

    private static DatasetPrepared dataset(String tokenizer, int vocabSize, List<String> vocabulary, int unknown, int mask) {
        return DatasetPreparedBuilder.builder().runId("run-1").eventId("event-1").timestamp(Instant.EPOCH)
                .tokenizer(tokenizer).vocabSize(vocabSize).vocabulary(vocabulary).unknownTokenId(unknown).maskTokenId(mask)
                .documents(1).corpusChars(100).trainTokens(80).heldOutTokens(20).heldOutRecords(1).heldOutWindows(1)
                .build();
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String expected) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(expected), () -> "message should mention " + expected + ": " + e.getMessage());
    }
}
