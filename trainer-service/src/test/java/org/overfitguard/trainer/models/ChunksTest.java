package org.overfitguard.trainer.models;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.text.tokenize.ByteTokenizer;
import org.overfitguard.text.tokenize.Tokenizer;

/** Generated tokens to streamed text: never half a character, nothing lost at the end. */
class ChunksTest {

    @Test
    void aCharacterSplitOverSeveralByteTokensIsSentWholeOnce() {
        Tokenizer bytes = new ByteTokenizer();
        String text = "aé\uD83D\uDE00b"; // 1, 2 and 4 UTF-8 bytes, then 1
        Generator.Chunks chunks = new Generator.Chunks(bytes);
        List<String> sent = new ArrayList<>();
        for (int id : bytes.encode(text)) {
            chunks.add(id).ifPresent(sent::add);
        }
        chunks.rest().ifPresent(sent::add);
        assertEquals(List.of("a", "é", "\uD83D\uDE00", "b"), sent);
    }

    @Test
    void anIncompleteCharacterAtTheEndIsStillSent() {
        Tokenizer bytes = new ByteTokenizer();
        Generator.Chunks chunks = new Generator.Chunks(bytes);
        int[] ids = bytes.encode("\uD83D\uDE00");
        List<String> sent = new ArrayList<>();
        for (int i = 0; i < 2; i++) { // the first half of a 4-byte character, then the stream ends
            chunks.add(ids[i]).ifPresent(sent::add);
        }
        assertEquals(List.of(), sent, "nothing sent while the character is incomplete");
        assertEquals("\uFFFD", chunks.rest().orElseThrow(), "what was generated is not dropped");
    }
}
