package org.overfitguard.monitor.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.monitor.api.RunChanges;
import org.overfitguard.monitor.history.RunsView;
import org.overfitguard.monitor.metrics.MonitorMetrics;

/**
 * Every event of every event topic: checked as a contract (fields, ranges, topic, key), folded
 * into the run's history, then its meters updated and the dashboards told. A record that is not a
 * valid event throws here, and the connector parks it, byte for byte, on dead-letters with the
 * reason (see application.properties). Nothing here blocks.
 */
@ApplicationScoped
public class EventsConsumer {

    private final EventDeserializer deserializer = new EventDeserializer();

    @Inject
    RunsView runs;
    @Inject
    MonitorMetrics metrics;
    @Inject
    RunChanges changes;

    @Incoming(Topics.RUNS)
    public void runs(ConsumerRecord<String, byte[]> record) {
        apply(record);
    }

    @Incoming(Topics.TRAIN_METRICS)
    public void trainMetrics(ConsumerRecord<String, byte[]> record) {
        apply(record);
    }

    @Incoming(Topics.CHECKPOINTS)
    public void checkpoints(ConsumerRecord<String, byte[]> record) {
        apply(record);
    }

    @Incoming(Topics.EVALUATIONS)
    public void evaluations(ConsumerRecord<String, byte[]> record) {
        apply(record);
    }

    @Incoming(Topics.CONTROL)
    public void control(ConsumerRecord<String, byte[]> record) {
        apply(record);
    }

    private void apply(ConsumerRecord<String, byte[]> record) {
        Event event = deserializer.deserialize(record.topic(), record.key(), record.value());
        if (event == null) {
            return;
        }
        runs.apply(event).ifPresent(run -> {
            metrics.record(run, event);
            changes.changed(run);
        });
    }
}
