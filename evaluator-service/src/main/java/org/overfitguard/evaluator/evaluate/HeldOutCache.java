package org.overfitguard.evaluator.evaluate;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.CorruptBatchException;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.messaging.DeadLetters;
import org.overfitguard.messaging.KafkaClients;
import org.overfitguard.messaging.KafkaConnection;

/**
 * Each run's held-out set, read once from heldout.&lt;runId&gt; (partition 0, from offset 0,
 * committed records only) and kept per run: runs never share or mix data. Records that are not a
 * held-out batch of that run are dead-lettered. Least recently used runs are dropped first.
 */
final class HeldOutCache {

    private final KafkaConnection kafka;
    private final DeadLetters deadLetters;
    private final Map<String, List<TokenBatch>> byRun;

    HeldOutCache(KafkaConnection kafka, DeadLetters deadLetters, int maxRuns) {
        this.kafka = kafka;
        this.deadLetters = deadLetters;
        this.byRun = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<TokenBatch>> eldest) {
                return size() > maxRuns;
            }
        };
    }

    /** The run's held-out records, waiting up to {@code timeout} for all {@code expected} of them. */
    synchronized List<TokenBatch> get(String runId, int expected, Duration timeout) {
        List<TokenBatch> cached = byRun.get(runId);
        if (cached != null && cached.size() == expected) {
            return cached;
        }
        List<TokenBatch> read = read(runId, expected, timeout);
        byRun.put(runId, read);
        return read;
    }

    private List<TokenBatch> read(String runId, int expected, Duration timeout) {
        TopicPartition tp = new TopicPartition(Topics.heldOut(runId), 0);
        List<TokenBatch> records = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumer(kafka, "evaluator-heldout-" + UUID.randomUUID()))) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (records.size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("held-out set of run " + runId + " incomplete after " + timeout.toSeconds()
                            + " s: " + records.size() + " of " + expected + " records");
                }
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200)).records(tp)) {
                    try {
                        TokenBatch b = TokenBatchCodec.decode(r.value());
                        if (!b.heldOut() || !b.runId().equals(runId)) {
                            throw new CorruptBatchException("not a held-out batch of run " + runId);
                        }
                        records.add(b);
                    } catch (CorruptBatchException e) {
                        deadLetters.send(r, "bad held-out record: " + e.getMessage(), e);
                    }
                }
            }
        }
        return List.copyOf(records);
    }
}
