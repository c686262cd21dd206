package org.overfitguard.messaging.metrics;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PerRunMetersTest {

    private static final class Steps implements PerRunMeters.Set {
        final Counter steps;

        Steps(MeterRegistry registry, String runId) {
            steps = Counter.builder("steps").tag("run", runId).register(registry);
        }

        @Override
        public List<Meter> meters() {
            return List.of(steps);
        }
    }

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

    private double steps(String runId) {
        Counter c = registry.find("steps").tag("run", runId).counter();
        return c == null ? -1 : c.count();
    }

    @Test
    void aRunsMetersLeaveTheRegistryAfterRetentionAndOthersStay() {
        try (PerRunMeters<Steps> meters = new PerRunMeters<>(registry, Duration.ofMillis(100), "test", Steps::new)) {
            meters.update("a", m -> m.steps.increment());
            meters.update("b", m -> m.steps.increment(2));
            meters.expireLater("a");
            await().atMost(Duration.ofSeconds(10)).until(() -> steps("a") == -1);
            assertEquals(2, steps("b"));
            assertEquals(java.util.Set.of("b"), meters.runs());
        }
    }

    @Test
    void aRunUsedAgainBeforeItsExpiryKeepsItsMeters() {
        try (PerRunMeters<Steps> meters = new PerRunMeters<>(registry, Duration.ofMillis(200), "test", Steps::new)) {
            meters.update("a", m -> m.steps.increment());
            meters.expireLater("a");
            meters.update("a", m -> m.steps.increment()); // resumed: the pending removal is called off
            await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(5)).until(() -> steps("a") == 2);
            meters.expireLater("a");
            meters.expireLater("a"); // put off again: one removal, not two
            await().atMost(Duration.ofSeconds(10)).until(() -> steps("a") == -1);
        }
    }

    @Test
    void aRunUsedAfterItsExpiryStartsAFreshSet() {
        try (PerRunMeters<Steps> meters = new PerRunMeters<>(registry, Duration.ofMillis(50), "test", Steps::new)) {
            meters.update("a", m -> m.steps.increment(5));
            meters.expireLater("a");
            await().atMost(Duration.ofSeconds(10)).until(() -> steps("a") == -1);
            meters.update("a", m -> m.steps.increment());
            assertEquals(1, steps("a"));
        }
    }
}
