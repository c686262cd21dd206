package org.overfitguard.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import org.overfitguard.contracts.json.Json;

/**
 * Every service's REST API writes JSON as the wire does ({@link Json#writeLikeTheWire}): a run spec
 * in {@code GET /runs/{id}}, an export's {@code run_id}, an event on the dashboard read as they read
 * on Kafka and as a spec is written, never in Java's camelCase or with upper-case enums.
 */
@Singleton
public class WireJsonStyle implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        Json.writeLikeTheWire(mapper);
    }
}
