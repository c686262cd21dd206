package org.overfitguard.testing;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.kafka.TopicIO;

/**
 * Events on a real broker's topics, for tests: sent as a service sends them (JSON, keyed by run id)
 * and read back by run and type. Only the run's records are read (poison a test plants under other
 * keys is not); one of them that is not an event fails the test, naming topic and offset.
 */
public final class TopicEvents {

    private final String bootstrap;

    public TopicEvents(String bootstrap) {
        this.bootstrap = bootstrap;
    }

    /** Sends {@code event} to {@code topic}, keyed by its run id. */
    public void send(String topic, Event event) {
        TopicIO.send(bootstrap, topic, event.runId(), Json.write(event).getBytes(StandardCharsets.UTF_8));
    }

    /** Every event of {@code type} for {@code runId} on {@code topic}, in partition, then offset order. */
    public <E extends Event> List<E> all(String topic, String runId, Class<E> type) {
        EventDeserializer deserializer = new EventDeserializer();
        return TopicIO.readAll(bootstrap, topic).stream().filter(r -> runId.equals(r.key()))
                .map(r -> event(deserializer, topic, r)).filter(type::isInstance).map(type::cast).toList();
    }

    /** The first event of {@code type} for {@code runId} on {@code topic}, or null while there is none. */
    public <E extends Event> E first(String topic, String runId, Class<E> type) {
        return all(topic, runId, type).stream().findFirst().orElse(null);
    }

    private static Event event(EventDeserializer deserializer, String topic, ConsumerRecord<String, byte[]> r) {
        try {
            return deserializer.deserialize(topic, r.value());
        } catch (RuntimeException notAnEvent) {
            throw new IllegalStateException(topic + " offset " + r.offset() + " (key " + r.key() + ") is not an event: "
                    + notAnEvent.getMessage(), notAnEvent);
        }
    }
}
