package org.overfitguard.messaging;

import io.smallrye.reactive.messaging.ce.OutgoingCloudEventMetadata;
import io.smallrye.reactive.messaging.kafka.api.OutgoingKafkaRecordMetadata;
import java.net.URI;
import java.time.ZoneOffset;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;

/**
 * Outgoing events as Kafka records on their topic ({@link Topics#forEvent}), so each service needs
 * one outgoing channel; keyed by run id (so a run's events stay ordered in one partition)
 * and as CloudEvents in binary mode: ce_id = event id, ce_type = record name, ce_source = /the-sending-service, ce_subject = run id, ce_time = event time.
 */
public final class EventMessages {

    private EventMessages() {
    }

    public static <E extends Event> Message<E> of(E event, String service) {
        return Message.of(event)
                .addMetadata(OutgoingKafkaRecordMetadata.<String>builder()
                        .withTopic(Topics.forEvent(event)).withKey(event.key()).build())
                .addMetadata(OutgoingCloudEventMetadata.builder()
                        .withId(event.eventId())
                        .withType(event.type())
                        .withSource(URI.create("/" + service))
                        .withSubject(event.runId())
                        .withTimestamp(event.timestamp().atZone(ZoneOffset.UTC))
                        .withDataContentType("application/json")
                        .build());
    }
}
