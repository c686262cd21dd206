package org.overfitguard.contracts.json;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.serialization.Serializer;
import org.overfitguard.contracts.events.Event;

/** Kafka serializer of control-plane events as JSON with a "type" field. */
public final class EventSerializer implements Serializer<Event> {
    @Override
    public byte[] serialize(String topic, Event event) {
        return event == null ? null : Json.write(event).getBytes(StandardCharsets.UTF_8);
    }
}
