package org.overfitguard.messaging;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.overfitguard.messaging.supervision.SupervisedLoop;
import org.overfitguard.messaging.supervision.SupervisedLoop.State;

class SupervisedLoopTest {

    @Test
    void aFailingBodyIsStartedAgainAndTheErrorIsKept() {
        AtomicInteger runs = new AtomicInteger();
        try (SupervisedLoop loop = new SupervisedLoop("t", Duration.ofMinutes(1), beat -> {
            if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("first life fails");
            }
            while (true) {
                beat.beat();
                Thread.sleep(10);
            }
        }).start()) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> runs.get() == 2);
            SupervisedLoop.Status s = loop.status();
            assertEquals(1, s.restarts());
            assertTrue(s.lastError().contains("first life fails"), s.lastError());
            assertTrue(s.healthy());
        }
    }

    @Test
    void anOutOfMemoryErrorMarksTheLoopDeadForTheLivenessCheck() {
        try (SupervisedLoop loop = new SupervisedLoop("t", Duration.ofMinutes(1), beat -> {
            throw new OutOfMemoryError("simulated");
        }).start()) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> loop.status().state() == State.DEAD);
            assertFalse(loop.status().healthy());
        }
    }

    @Test
    void aBodyThatStopsBeatingIsReportedStuck() {
        try (SupervisedLoop loop = new SupervisedLoop("t", Duration.ofMillis(300), beat -> Thread.sleep(60_000)).start()) {
            await().atMost(10, TimeUnit.SECONDS).until(() -> loop.status().stuck());
            assertFalse(loop.status().healthy());
        }
    }

    @Test
    void closeInterruptsAWaitingBodyAndStops() throws Exception {
        SupervisedLoop loop = new SupervisedLoop("t", Duration.ofMinutes(1), beat -> Thread.sleep(60_000)).start();
        await().atMost(10, TimeUnit.SECONDS).until(() -> loop.status().state() == State.RUNNING);
        loop.close(Duration.ofSeconds(5));
        assertEquals(State.STOPPED, loop.status().state());
    }
}
