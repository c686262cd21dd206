package org.overfitguard.trainer.ledger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
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
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.contracts.json.PoisonRecordException;
import org.overfitguard.messaging.DeadLetters;
import org.overfitguard.messaging.KafkaClients;
import org.overfitguard.trainer.TrainerConfig;

/**
 * Folds the runs, control and evaluations topics into the {@link RunBook}. The three topics are
 * keyed by run id and have the same partition count; with the range assignor a replica owns
 * partition i of all three, so it sees every event of the runs it trains.
 *
 * <p>On every assignment it replays its partitions from the beginning (event sourcing: nothing to
 * restore but the log), and reports caught-up once it reached the end offsets seen at assignment;
 * the scheduler starts nothing before that, so a replayed old request is never mistaken for new.
 * Committed offsets only mark what earlier runs of the ledger already saw, so a poison record is
 * sent to the dead-letter topic once, not at every replay.
 */
@ApplicationScoped
public class RunLedger implements ConsumerRebalanceListener {

    private static final Logger LOG = Logger.getLogger(RunLedger.class);
    static final String GROUP = "trainer-service";

    @Inject
    RunBook book;
    @Inject
    TrainerConfig config;
    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrapServers;

    private final EventDeserializer deserializer = new EventDeserializer();
    private final Map<TopicPartition, Long> catchUpTargets = new HashMap<>();
    private final Map<TopicPartition, Long> seenBefore = new HashMap<>();
    private KafkaConsumer<String, byte[]> consumer;
    private DeadLetters deadLetters;
    private Thread thread;
    private volatile boolean running = true;

    void start(@Observes StartupEvent ignored) {
        Map<String, Object> c = KafkaClients.consumer(bootstrapServers, "trainer-ledger-" + config.instanceId());
        c.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        // static membership: a restarted replica takes its partitions back without waiting for a session timeout
        c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.instanceId());
        c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 15_000);
        c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class.getName());
        consumer = new KafkaConsumer<>(c);
        deadLetters = new DeadLetters(bootstrapServers, GROUP);
        thread = new Thread(this::run, "run-ledger");
        thread.setDaemon(true);
        thread.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
            thread.join(10_000);
        }
    }

    private void run() {
        try {
            consumer.subscribe(List.of(Topics.RUNS, Topics.CONTROL, Topics.EVALUATIONS), this);
            while (running) {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    apply(r);
                }
                checkCaughtUp();
            }
        } catch (WakeupException e) {
            // shutting down
        } catch (RuntimeException e) {
            LOG.error("run ledger stopped", e);
        } finally {
            consumer.close(Duration.ofSeconds(5));
            deadLetters.close();
        }
    }

    private void apply(ConsumerRecord<String, byte[]> r) {
        try {
            book.apply(deserializer.deserialize(r.topic(), r.value()), r.partition());
        } catch (PoisonRecordException e) {
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            if (r.offset() >= seenBefore.getOrDefault(tp, 0L)) {
                deadLetters.send(r, e.getMessage(), e);
            }
        }
    }

    private void checkCaughtUp() {
        if (book.caughtUp() || catchUpTargets.isEmpty()) {
            return;
        }
        for (Map.Entry<TopicPartition, Long> t : catchUpTargets.entrySet()) {
            if (consumer.position(t.getKey()) < t.getValue()) {
                return;
            }
        }
        book.setCaughtUp(true);
        Map<TopicPartition, OffsetAndMetadata> marks = catchUpTargets.keySet().stream()
                .collect(Collectors.toMap(tp -> tp, tp -> new OffsetAndMetadata(consumer.position(tp))));
        consumer.commitAsync(marks, null);
        LOG.infof("run ledger caught up on %s", catchUpTargets.keySet());
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
        if (partitions.isEmpty()) {
            return;
        }
        book.setCaughtUp(false);
        for (Map.Entry<TopicPartition, OffsetAndMetadata> c : consumer.committed(Set.copyOf(partitions)).entrySet()) {
            if (c.getValue() != null) {
                seenBefore.put(c.getKey(), c.getValue().offset());
            }
        }
        consumer.seekToBeginning(partitions);
        catchUpTargets.putAll(consumer.endOffsets(partitions));
        LOG.infof("run ledger replays %s", partitions);
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
        partitions.forEach(catchUpTargets::remove);
        Set<Integer> runPartitions = partitions.stream().filter(p -> p.topic().equals(Topics.RUNS))
                .map(TopicPartition::partition).collect(Collectors.toSet());
        book.forgetPartitions(runPartitions);
    }
}
