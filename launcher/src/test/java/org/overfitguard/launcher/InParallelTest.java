package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InParallelTest {

    @Test
    void everyItemRunsAtOnceAndAllAreAwaited() throws IOException {
        List<String> items = List.of("a", "b", "c");
        CountDownLatch allStarted = new CountDownLatch(items.size());
        Set<String> done = ConcurrentHashMap.newKeySet();
        InParallel.forEach(items, "test", item -> {
            allStarted.countDown();
            try {
                // each waits for the others: sequential execution would never get here
                assertTrue(allStarted.await(30, TimeUnit.SECONDS), "not run in parallel");
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            done.add(item);
        });
        assertEquals(Set.copyOf(items), done);
    }

    @Test
    void aFailureIsThrownWithItsOwnMessageAfterTheOthersFinished() {
        Set<String> done = ConcurrentHashMap.newKeySet();
        IOException e = assertThrows(IOException.class, () -> InParallel.forEach(List.of("ok-1", "bad", "ok-2"), "the ensemble did not start",
                item -> {
                    if (item.equals("bad")) {
                        throw new IOException("bad not ready within 180 s");
                    }
                    done.add(item);
                }));
        assertEquals("the ensemble did not start: bad not ready within 180 s", e.getMessage());
        assertEquals(Set.of("ok-1", "ok-2"), done);
    }
}
