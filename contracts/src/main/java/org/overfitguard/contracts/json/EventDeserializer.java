package org.overfitguard.contracts.json;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.List;
import org.apache.kafka.common.serialization.Deserializer;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.EventContract;

/**
 * Kafka deserializer of control-plane events. Bytes that are not a valid event (not JSON, an
 * unknown type, or a known type that breaks {@link EventContract}) throw
 * {@link PoisonRecordException} naming every problem, so consumers can send the record to the
 * dead-letter topic. Consumers that see the record key use {@link #deserialize(String, String, byte[])},
 * which also holds the key to the run id.
 */
public final class EventDeserializer implements Deserializer<Event> {

    /** The event, checked against the contract and its topic. Null for a tombstone. */
    @Override
    public Event deserialize(String topic, byte[] bytes) {
        Event event = parse(topic, bytes);
        return event == null ? null : valid(topic, event, EventContract.violations(event, topic));
    }

    /** The event of a consumed record, checked in full: contract, topic and key. Null for a tombstone. */
    public Event deserialize(String topic, String key, byte[] bytes) {
        Event event = parse(topic, bytes);
        return event == null ? null : valid(topic, event, EventContract.violations(event, topic, key));
    }

    private static Event valid(String topic, Event event, List<String> violations) {
        if (!violations.isEmpty()) {
            throw new PoisonRecordException("invalid " + event.type() + " on " + topic + ": " + String.join("; ", violations));
        }
        return event;
    }

    private static Event parse(String topic, byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            Event event = Json.mapper().readValue(bytes, Event.class);
            if (event == null) {
                throw new PoisonRecordException("not a valid event on " + topic + ": the record is JSON null");
            }
            return event;
        } catch (IOException | IllegalArgumentException e) {
            String why = e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw new PoisonRecordException("not a valid event on " + topic + ": " + why, e);
        } catch (PoisonRecordException e) {
            throw e;
        } catch (RuntimeException e) { // the parser's own limits, and whatever else a hostile record provokes
            throw new PoisonRecordException("not a valid event on " + topic + ": " + e, e);
        }
    }
}
