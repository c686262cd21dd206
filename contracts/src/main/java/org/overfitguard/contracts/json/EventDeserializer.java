package org.overfitguard.contracts.json;

import java.io.IOException;
import org.apache.kafka.common.serialization.Deserializer;
import org.overfitguard.contracts.events.Event;

/**
 * Kafka deserializer of control-plane events. Bytes that are not a known event throw
 * {@link PoisonRecordException} naming the problem, so consumers can send the record to the dead-letter topic.
 */
public final class EventDeserializer implements Deserializer<Event> {
    @Override
    public Event deserialize(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            Event event = Json.mapper().readValue(bytes, Event.class);
            if (event == null || event.runId() == null) {
                throw new PoisonRecordException("event on " + topic + " has no run_id");
            }
            return event;
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new PoisonRecordException("not a valid event on " + topic + ": " + why, e);
        }
    }
}
