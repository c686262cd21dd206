package org.overfitguard.messaging;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
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
import org.overfitguard.messaging.supervision.SupervisedLoop;

/**
 * Event sourcing of run state from co-partitioned topics (all keyed by run id, same partition
 * count): a consumer group member that, on every assignment, replays its partitions from the
 * beginning and says when it has caught up with the end offsets seen at assignment. With the range
 * assignor a member owns partition i of every topic, so it sees all events of the runs it owns.
 * A service acts on the folded state only once caught up, so a replayed old event is never taken
 * for a new one.
 *
 * <p>Nothing a record holds can stop it. A record that is not a valid event on its topic under its
 * run's key ({@link org.overfitguard.contracts.events.EventContract}), or on which the listener
 * throws, goes to the dead-letter topic with the reason and the ledger reads on. Any other failure
 * (the broker, a rebalance callback) ends the consumer: the listener forgets every partition, and a
 * new consumer starts after a backoff and replays them ({@link SupervisedLoop}).
 *
 * <p>Offsets are committed only to remember what earlier lives already read, once caught up and
 * then every second: a dead letter is sent once, not at every replay, and the group's lag is real.
 * Static membership (group.instance.id) lets a restarted member take its partitions back without
 * waiting for a session timeout.
 */
public final class EventLedger implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EventLedger.class);
    static final Duration POLL = Duration.ofMillis(200);
    static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    /** A poll loop that has not come round for this long is stuck (every call it makes has a shorter timeout). */
    static final Duration STALL = Duration.ofMinutes(3);

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

    private final Map<String, Object> config;
    private final DeadLetters deadLetters;
    private final List<String> topics;
    private final Listener listener;
    private final EventDeserializer deserializer = new EventDeserializer();
    private final SupervisedLoop loop;
    /** The next offset not yet read, per partition, over every consumer of this ledger: what is never lettered twice. */
    private final Map<TopicPartition, Long> readUpTo = new HashMap<>();
    private volatile KafkaConsumer<String, byte[]> consumer;
    /** Once true, stays true: this process has read its first assignment to the end (readiness). */
    private volatile boolean replayed;

    public EventLedger(KafkaConnection kafka, String group, String instanceId, List<String> topics, Listener listener) {
        Map<String, Object> c = KafkaClients.consumer(kafka, group + "-ledger-" + instanceId);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, group + "-" + instanceId);
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        this.config = Map.copyOf(c);
        this.deadLetters = new DeadLetters(kafka, group);
        this.topics = List.copyOf(topics);
        this.listener = listener;
        this.loop = new SupervisedLoop(group + "-ledger", STALL, this::consume);
    }

    /** The loop, for the service's liveness check; start it with {@link #start()} or hand it to Loops. */
    public SupervisedLoop loop() {
        return loop;
    }

    public void start() {
        loop.start();
    }

    /**
     * Whether this process has once read what it was first assigned to its end (or was assigned
     * nothing): until then its answers about runs would be guesses, so the service is not ready. It
     * does not turn false again at a rebalance, which must not take every replica out of service.
     */
    public boolean replayed() {
        return replayed;
    }

    @Override
    public void close() {
        loop.requestClose();
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        loop.close(Duration.ofSeconds(10));
        deadLetters.close();
    }

    /** One consumer's life: subscribe, replay, follow; whatever ends it, its partitions are forgotten. */
    private void consume(SupervisedLoop.Heartbeat heartbeat) {
        Life life = new Life();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config)) {
            consumer = c;
            life.consumer = c;
            c.subscribe(topics, life);
            while (!heartbeat.closing()) {
                for (ConsumerRecord<String, byte[]> r : c.poll(POLL)) {
                    apply(life, r);
                }
                life.checkCaughtUp();
                life.commitIfDue();
                heartbeat.beat();
            }
        } catch (WakeupException e) {
            if (!loop.closing()) {
                throw e;
            }
        } finally {
            consumer = null;
            life.forgetAll();
        }
    }

    private void apply(Life life, ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        boolean firstReading = r.offset() >= Math.max(life.committed.getOrDefault(tp, 0L), readUpTo.getOrDefault(tp, 0L));
        readUpTo.merge(tp, r.offset() + 1, Math::max);
        Event event;
        try {
            event = deserializer.deserialize(r.topic(), r.key(), r.value());
        } catch (PoisonRecordException e) {
            if (firstReading) {
                deadLetters.send(r, e.getMessage(), e);
            }
            return;
        }
        if (event == null) {
            return;
        }
        try {
            listener.apply(event, r.partition());
        } catch (RuntimeException e) {
            LOG.errorf(e, "ledger: %s at %s-%d@%d could not be applied; it goes to the dead letters", event.type(), r.topic(),
                    r.partition(), r.offset());
            if (firstReading) {
                deadLetters.send(r, "the consumer failed on this " + event.type() + ": " + e, e);
            }
        }
    }

    /** The state of one consumer: assignment, catch-up targets, committed offsets seen at assignment. */
    private final class Life implements ConsumerRebalanceListener {
        KafkaConsumer<String, byte[]> consumer;
        final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
        final Map<TopicPartition, Long> committed = new HashMap<>();
        final Set<TopicPartition> assigned = new HashSet<>();
        boolean caughtUp;
        long lastCommit;

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                if (assigned.isEmpty()) {
                    replayed = true; // a member without partitions (more replicas than partitions) has nothing to read
                }
                return;
            }
            caughtUp = false;
            listener.setCaughtUp(false);
            consumer.committed(Set.copyOf(partitions)).forEach((tp, offset) -> {
                if (offset != null) {
                    committed.put(tp, offset.offset());
                }
            });
            assigned.addAll(partitions);
            consumer.seekToBeginning(partitions);
            catchUpTargets.putAll(consumer.endOffsets(partitions));
            LOG.infof("ledger replays %s", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            commitIfDue(true);
            partitions.forEach(catchUpTargets::remove);
            assigned.removeAll(partitions);
            forget(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(catchUpTargets::remove);
            assigned.removeAll(partitions);
            forget(partitions);
        }

        void checkCaughtUp() {
            if (caughtUp || catchUpTargets.isEmpty()) {
                return;
            }
            for (Map.Entry<TopicPartition, Long> t : catchUpTargets.entrySet()) {
                if (consumer.position(t.getKey()) < t.getValue()) {
                    return;
                }
            }
            caughtUp = true;
            replayed = true;
            listener.setCaughtUp(true);
            commitIfDue(true);
            LOG.infof("ledger caught up on %s", catchUpTargets.keySet());
        }

        void commitIfDue() {
            commitIfDue(false);
        }

        /** Positions of a caught-up member are at or past what any earlier life committed. */
        void commitIfDue(boolean now) {
            if (!caughtUp || assigned.isEmpty() || (!now && System.nanoTime() - lastCommit < COMMIT_EVERY.toNanos())) {
                return;
            }
            lastCommit = System.nanoTime();
            Map<TopicPartition, OffsetAndMetadata> offsets = assigned.stream()
                    .collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(consumer.position(tp))));
            consumer.commitAsync(offsets, (done, error) -> {
                if (error != null) {
                    LOG.debugf("ledger commit failed (retried in a second): %s", error.toString());
                }
            });
        }

        /** The consumer is gone: nothing it folded may be acted on any more. */
        void forgetAll() {
            listener.setCaughtUp(false);
            forget(Set.copyOf(assigned));
            assigned.clear();
            catchUpTargets.clear();
        }

        private void forget(Collection<TopicPartition> partitions) {
            Set<Integer> indexes = partitions.stream().filter(p -> p.topic().equals(topics.get(0)))
                    .map(TopicPartition::partition).collect(Collectors.toSet());
            if (!indexes.isEmpty()) {
                listener.forgetPartitions(indexes);
            }
        }
    }
}
