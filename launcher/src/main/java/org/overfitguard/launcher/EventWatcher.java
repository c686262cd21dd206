package org.overfitguard.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.contracts.json.PoisonRecordException;

/**
 * Reads every event of the control plane (runs, train-metrics, checkpoints, evaluations, control)
 * from the beginning and keeps a {@link RunTracker} per run. No consumer group: it only watches.
 * Poison records are skipped here (the services dead-letter them).
 */
public final class EventWatcher implements AutoCloseable {

    private static final List<String> TOPICS = List.of(Topics.RUNS, Topics.TRAIN_METRICS, Topics.CHECKPOINTS,
            Topics.EVALUATIONS, Topics.CONTROL);

    private final KafkaConsumer<String, byte[]> consumer;
    private final Map<String, RunTracker> runs = new ConcurrentHashMap<>();
    private final EventDeserializer deserializer = new EventDeserializer();
    private final Thread thread;
    private volatile boolean running = true;

    public EventWatcher(String bootstrapServers) {
        consumer = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrapServers, "client.id", "watcher-" + UUID.randomUUID(),
                "enable.auto.commit", "false", "isolation.level", "read_committed"), new StringDeserializer(), new ByteArrayDeserializer());
        thread = new Thread(this::run, "event-watcher");
        thread.setDaemon(true);
        thread.start();
    }

    public RunTracker track(String runId) {
        return runs.computeIfAbsent(runId, RunTracker::new);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            while (running && partitions.isEmpty()) {
                Map<String, List<PartitionInfo>> topics = consumer.listTopics(Duration.ofSeconds(10));
                for (String t : TOPICS) {
                    if (topics.containsKey(t)) {
                        topics.get(t).forEach(p -> partitions.add(new TopicPartition(t, p.partition())));
                    }
                }
                if (partitions.size() < TOPICS.size()) { // wait until the services created them all
                    partitions.clear();
                    Thread.sleep(500);
                }
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                ConsumerRecords<String, byte[]> records;
                try {
                    records = consumer.poll(Duration.ofMillis(200));
                } catch (KafkaException e) { // the broker went away (a chaos test kills it): poll again
                    if (e instanceof WakeupException) {
                        throw e;
                    }
                    Thread.sleep(500);
                    continue;
                }
                for (ConsumerRecord<String, byte[]> r : records) {
                    try {
                        Event e = deserializer.deserialize(r.topic(), r.key(), r.value());
                        if (e != null) {
                            track(e.runId()).apply(e);
                        }
                    } catch (PoisonRecordException ignored) {
                        // dead-lettered by the services
                    }
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
