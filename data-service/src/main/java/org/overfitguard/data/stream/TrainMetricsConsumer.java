package org.overfitguard.data.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.json.EventDeserializer;

/**
 * Feeds the trainer's progress (StepMetrics) to flow control. Records arrive as bytes and are
 * checked in full here (contract, topic, key): one that fails throws, and the connector parks it,
 * byte for byte, on the dead-letter topic with the reason.
 */
@ApplicationScoped
public class TrainMetricsConsumer {

    private final EventDeserializer events = new EventDeserializer();

    @Inject
    TrainerProgress progress;

    @Incoming(Topics.TRAIN_METRICS)
    public void consume(ConsumerRecord<String, byte[]> record) {
        Event event = events.deserialize(record.topic(), record.key(), record.value());
        if (event instanceof StepMetrics m) {
            progress.reported(m.runId(), m.step());
        }
    }
}
