package org.overfitguard.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Quarkus test resource: one real embedded broker per test JVM, shared by every test class that
 * names this resource, on a fresh temporary directory. Sets {@code kafka.bootstrap.servers}.
 */
public final class KafkaBrokerResource implements QuarkusTestResourceLifecycleManager {

    private static EmbeddedKafka broker;

    /** The shared broker, started on first use. Tests may also use it without Quarkus. */
    public static synchronized EmbeddedKafka broker() {
        if (broker == null) {
            try {
                Path dir = Files.createTempDirectory("embedded-kafka-");
                broker = EmbeddedKafka.start(dir, 0);
                EmbeddedKafka started = broker;
                Runtime.getRuntime().addShutdownHook(new Thread(started::close, "test-broker-shutdown"));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the embedded Kafka broker", e);
            }
        }
        return broker;
    }

    @Override
    public Map<String, String> start() {
        return Map.of("kafka.bootstrap.servers", broker().bootstrapServers());
    }

    @Override
    public void stop() {
        // shared across test classes; stopped when the JVM exits
    }
}
