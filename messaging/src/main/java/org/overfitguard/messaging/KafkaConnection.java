package org.overfitguard.messaging;

import java.util.Map;
import java.util.TreeMap;

/**
 * How to reach the broker: bootstrap servers plus the security settings (TLS, SASL) a secured
 * cluster needs, taken from the same {@code kafka.*} configuration the SmallRye channels use, so the
 * plain clients (ledgers, batch streams, admin) connect wherever the channels do.
 *
 * @param settings Kafka client settings: bootstrap.servers, security.protocol, sasl.*, ssl.*
 */
public record KafkaConnection(Map<String, Object> settings) {

    public KafkaConnection {
        settings = Map.copyOf(settings);
        if (!settings.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is not set");
        }
    }

    public static KafkaConnection to(String bootstrapServers) {
        return new KafkaConnection(Map.of("bootstrap.servers", bootstrapServers));
    }

    /** The connection-related entries of a configuration map (as the connector's default-kafka-broker). */
    public static KafkaConnection from(Map<String, ?> config) {
        Map<String, Object> kept = new TreeMap<>();
        config.forEach((key, value) -> {
            if (key.equals("bootstrap.servers") || key.equals("client.dns.lookup") || key.startsWith("security.")
                    || key.startsWith("sasl.") || key.startsWith("ssl.")) {
                kept.put(key, value);
            }
        });
        return new KafkaConnection(kept);
    }

    public String bootstrapServers() {
        return String.valueOf(settings.get("bootstrap.servers"));
    }
}
