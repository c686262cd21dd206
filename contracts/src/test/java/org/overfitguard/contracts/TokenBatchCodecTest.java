package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.batch.CorruptBatchException;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;

class TokenBatchCodecTest {

    private static TokenBatch sample(int maxId) {
        Random random = new Random(42);
        int rows = 4;
        int cols = 8;
        int[] inputs = random.ints(rows * cols, 0, maxId + 1).toArray();
        int[] targets = random.ints(rows * cols, 0, maxId + 1).toArray();
        inputs[0] = maxId;
        return new TokenBatch("run-42", 17, false, rows, cols, inputs, targets);
    }

    @Test
    void roundTripsNarrowAndWideTokenIds() {
        for (int maxId : new int[] {64, 50_256, 65_535, 70_000}) {
            TokenBatch batch = sample(maxId);
            assertEquals(batch, TokenBatchCodec.decode(TokenBatchCodec.encode(batch)));
        }
        TokenBatch heldOut = new TokenBatch("r", 0, true, 1, 1, new int[] {3}, new int[] {4});
        assertEquals(heldOut, TokenBatchCodec.decode(TokenBatchCodec.encode(heldOut)));
    }

    @Test
    void usesTwoBytesPerTokenWhenIdsFit() {
        TokenBatch batch = sample(50_256);
        int header = 4 + 4 + batch.runId().length() + 8 + 8;
        assertEquals(header + 2 * batch.tokens() * 2 + 4, TokenBatchCodec.encode(batch).length);
    }

    @Test
    void everySingleByteCorruptionIsRejected() {
        byte[] good = TokenBatchCodec.encode(sample(300));
        for (int position = 0; position < good.length; position++) {
            for (int flip : new int[] {0x01, 0x80, 0xFF, 0x5A}) {
                byte[] bad = good.clone();
                bad[position] ^= (byte) flip;
                int at = position;
                assertThrows(CorruptBatchException.class, () -> TokenBatchCodec.decode(bad),
                        "corruption at byte " + at + " was accepted");
            }
        }
    }

    @Test
    void everyTruncationAndPaddingIsRejected() {
        byte[] good = TokenBatchCodec.encode(sample(300));
        for (int length = 0; length < good.length; length++) {
            byte[] truncated = Arrays.copyOf(good, length);
            assertThrows(CorruptBatchException.class, () -> TokenBatchCodec.decode(truncated), "length " + length);
        }
        assertThrows(CorruptBatchException.class, () -> TokenBatchCodec.decode(Arrays.copyOf(good, good.length + 1)));
        assertThrows(CorruptBatchException.class, () -> TokenBatchCodec.decode(null));
    }

    @Test
    void decodedArraysAreExactlyTheEncodedOnes() {
        TokenBatch batch = sample(1000);
        TokenBatch back = TokenBatchCodec.decode(TokenBatchCodec.encode(batch));
        assertArrayEquals(batch.inputs(), back.inputs());
        assertArrayEquals(batch.targets(), back.targets());
        assertEquals(17, back.index());
    }
}
