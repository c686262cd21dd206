package org.overfitguard.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.contracts.json.PoisonRecordException;

/**
 * Event sourcing of run state from co-partitioned topics (all keyed by run id, same partition
 * count): a consumer group member that, on every assignment, replays its partitions from the
 * beginning and says when it has caught up with the end offsets seen at assignment. With the range
 * assignor a member owns partition i of every topic, so it sees all events of the runs it owns.
 * A service acts on the folded state only once caught up, so a replayed old event is never taken
 * for a new one.
 *
 * <p>Offsets are committed only to remember what an earlier life already read: a poison record is
 * dead-lettered once, not at every replay. Static membership (group.instance.id) lets a restarted
 * member take its partitions back without waiting for a session timeout.
 */
public final class EventLedger implements ConsumerRebalanceListener, AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventLedger.class);

    /**
     * What the ledger folds events into: a service's view of the runs in its partitions (its "book").
     * Called on the ledger's own thread.
     */
    public interface Listener {
        void apply(Event event, int partition);

        /** False at (re)assignment, true once every assigned partition was read to its end of then. */
        void setCaughtUp(boolean caughtUp);

        /** Partitions (indexes) this member lost; forget their runs. */
        void forgetPartitions(Set<Integer> partitions);
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final DeadLetters deadLetters;
    private final List<String> topics;
    private final Listener listener;
    private final EventDeserializer deserializer = new EventDeserializer();
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    private final Map<TopicPartition, Long> seenBefore = new HashMap<>();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean caughtUp;

    public EventLedger(KafkaConnection kafka, String group, String instanceId, List<String> topics, Listener listener) {
        Map<String, Object> c = KafkaClients.consumer(kafka, group + "-ledger-" + instanceId);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group + "-" + instanceId);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        this.consumer = new KafkaConsumer<>(c);
        this.deadLetters = new DeadLetters(kafka, group);
        this.topics = List.copyOf(topics);
        this.listener = listener;
        this.thread = new Thread(this::run, group + "-ledger");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            consumer.subscribe(topics, this);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                checkCaughtUp();
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("event ledger stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            deadLetters.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        Event event;
        try {
            event = deserializer.deserialize(r.topic(), r.value());
        } catch (PoisonRecordException e) {
            if (r.offset() >= seenBefore.getOrDefault(new TopicPartition(r.topic(), r.partition()), 0L)) {
                deadLetters.send(r, e.getMessage(), e);
            }
            return;
        }
        if (event != null) {
            listener.apply(event, r.partition());
        }
    }

    private void checkCaughtUp() {
        if (caughtUp || catchUpTargets.isEmpty()) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> t : catchUpTargets.entrySet()) {
            if (consumer.position(t.getKey()) < t.getValue()) {
                return;
            }
        }
        caughtUp = true;
        listener.setCaughtUp(true);
        consumer.commitAsync(catchUpTargets.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(consumer.position(tp)))), null);
        LOG.infof("ledger caught up on %s", catchUpTargets.keySet());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        caughtUp = false;
        listener.setCaughtUp(false);
        consumer.committed(Set.copyOf(partitions)).forEach((tp, offset) -> {
            if (offset != null) {
                seenBefore.put(tp, offset.offset());
            }
        });
        consumer.seekToBeginning(partitions);
        catchUpTargets.putAll(consumer.endOffsets(partitions));
        LOG.infof("ledger replays %s", partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(catchUpTargets::remove);
        Set<Integer> indexes = partitions.stream().filter(p -> p.topic().equals(topics.get(0)))
                .map(TopicPartition::partition).collect(Collectors.toSet());
        if (!indexes.isEmpty()) {
            listener.forgetPartitions(indexes);
        }
    }
}
