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
 * Each run's held-out set, read once from heldout.&lt;runId&gt; (partition 0, from offset 0 to its end,
 * committed records only) and kept per run: runs never share or mix data. Records that are not a
 * held-out batch of that run are dead-lettered. Least recently used runs are dropped first.
 */
final class HeldOutCache {

    private final KafkaConnection kafka;
    private final DeadLetters deadLetters;
    /** A run's held-out records and the topic's end offset they were read up to. */
    private record Read(List<TokenBatch> records, long end) {
    }

    private final Map<String, Read> byRun;

    HeldOutCache(KafkaConnection kafka, DeadLetters deadLetters, int maxRuns) {
        this.kafka = kafka;
        this.deadLetters = deadLetters;
        this.byRun = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Read> eldest) {
                return size() > maxRuns;
            }
        };
    }

    /**
     * The run's held-out records, waiting up to {@code timeout} for all {@code expected} of them; read
     * again when the topic grew since (whatever was appended is looked at, and dead-lettered).
     */
    synchronized List<TokenBatch> get(String runId, int expected, Duration timeout, Runnable progress) {
        Read cached = byRun.get(runId);
        if (cached != null && cached.records().size() == expected && cached.end() == endOffset(runId)) {
            return cached.records();
        }
        Read read = read(runId, expected, timeout, progress);
        byRun.put(runId, read);
        return read.records();
    }

    private long endOffset(String runId) {
        TopicPartition tp = new TopicPartition(Topics.heldOut(runId), 0);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumer(kafka, "evaluator-heldout-end-" + UUID.randomUUID()))) {
            return c.endOffsets(List.of(tp)).get(tp);
        }
    }

    /** Reads the whole topic as it is now (dead-lettering what is not a held-out batch of the run), until it holds all expected records. */
    private Read read(String runId, int expected, Duration timeout, Runnable progress) {
        TopicPartition tp = new TopicPartition(Topics.heldOut(runId), 0);
        List<TokenBatch> records = new ArrayList<>();
        long end;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumer(kafka, "evaluator-heldout-" + UUID.randomUUID()))) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + timeout.toNanos();
            end = c.endOffsets(List.of(tp)).get(tp);
            while (records.size() < expected || c.position(tp) < end) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("held-out set of run " + runId + " incomplete after " + timeout.toSeconds()
                            + " s: " + records.size() + " of " + expected + " records");
                }
                progress.run();
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
                if (records.size() < expected) {
                    end = c.endOffsets(List.of(tp)).get(tp);
                }
            }
        }
        if (records.size() != expected) {
            throw new IllegalStateException("held-out topic of run " + runId + " holds " + records.size()
                    + " held-out records, its dataset " + expected);
        }
        return new Read(List.copyOf(records), end);
    }
}
