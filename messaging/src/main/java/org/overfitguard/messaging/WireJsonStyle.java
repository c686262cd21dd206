package org.overfitguard.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quarkus.jackson.ObjectMapperCustomizer;
import jakarta.inject.Singleton;
import org.overfitguard.contracts.json.Json;

/**
 * The REST APIs of the services built on this module (trainer, data, evaluator) write JSON as the
 * wire does ({@link Json#writeLikeTheWire}): a run spec in {@code GET /runs/{id}} and an export's
 * {@code run_id} read as they read on Kafka and as a spec is written, never in Java's camelCase or
 * with upper-case enums. monitor-service, which does not use this module, applies the same through
 * its own JsonStyle.
 */
@Singleton
public class WireJsonStyle implements ObjectMapperCustomizer {

    @Override
    public void customize(ObjectMapper mapper) {
        Json.writeLikeTheWire(mapper);
    }
}
