package org.overfitguard.monitor.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import org.overfitguard.contracts.json.Json;

/**
 * The REST API writes JSON like the wire ({@link Json#writeLikeTheWire}): snake_case fields,
 * lowercase enums, ISO-8601 times; so a run spec or an event reads the same here as on Kafka. (The
 * other services get the same from messaging's WireJsonStyle; monitor-service reads Kafka without it.)
 */
@Singleton
public class JsonStyle implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        Json.writeLikeTheWire(mapper);
    }
}
