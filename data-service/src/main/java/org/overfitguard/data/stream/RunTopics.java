package org.overfitguard.data.stream;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.CorruptBatchException;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.data.dataset.HeldOutWindows;
import org.overfitguard.messaging.KafkaClients;
import org.overfitguard.messaging.KafkaConnection;

/**
 * Reads and writes a run's two topics with the plain client: what is already there (so a restart
 * continues where the topic ends), the held-out set in one transaction (all of it or none), and
 * training batches through an idempotent producer.
 */
final class RunTopics implements AutoCloseable {

    private final KafkaConnection kafka;
    private final String runId;
    private final KafkaProducer<String, byte[]> batches;

    RunTopics(KafkaConnection kafka, String runId) {
        this.kafka = kafka;
        this.runId = runId;
        Map<String, Object> p = KafkaClients.producer(kafka, "data-batches-" + runId);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        this.batches = new KafkaProducer<>(p);
    }

    /** Number of committed held-out records present. */
    int heldOutRecords() {
        return readAll(Topics.heldOut(runId)).size();
    }

    /** Writes every held-out record in one transaction: a crash leaves none visible, never a part. */
    void writeHeldOut(HeldOutWindows records) {
        Map<String, Object> p = KafkaClients.producer(kafka, "data-heldout-" + runId);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "data-service-heldout-" + runId);
        try (KafkaProducer<String, byte[]> tx = new KafkaProducer<>(p)) {
            tx.initTransactions();
            tx.beginTransaction();
            for (int r = 0; r < records.records(); r++) {
                tx.send(new ProducerRecord<>(Topics.heldOut(runId), runId, TokenBatchCodec.encode(records.record(r))));
            }
            tx.commitTransaction();
        }
    }

    /** The index of the last readable training batch, or -1: where a restarted stream goes on from. */
    long lastBatchIndex() {
        TopicPartition tp = new TopicPartition(Topics.batches(runId), 0);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumer(kafka, "data-probe-" + UUID.randomUUID()))) {
            c.assign(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            long begin = c.beginningOffsets(List.of(tp)).get(tp);
            for (long offset = end - 1; offset >= Math.max(begin, end - 256); offset--) {
                c.seek(tp, offset);
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofSeconds(5)).records(tp)) {
                    if (r.offset() != offset) {
                        continue;
                    }
                    try {
                        return TokenBatchCodec.decode(r.value()).index();
                    } catch (CorruptBatchException e) {
                        break; // a poison record: look one further back
                    }
                }
            }
            return -1;
        }
    }

    void send(TokenBatch batch) {
        batches.send(new ProducerRecord<>(Topics.batches(runId), runId, TokenBatchCodec.encode(batch)), (metadata, error) -> {
            if (error != null) {
                failure = error;
            }
        });
    }

    /** A send that failed for good (the producer retries transient errors itself). */
    Exception failure() {
        return failure;
    }

    private volatile Exception failure;

    void flush() {
        batches.flush();
    }

    private List<ConsumerRecord<String, byte[]>> readAll(String topic) {
        TopicPartition tp = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(KafkaClients.consumer(kafka, "data-probe-" + UUID.randomUUID()))) {
            c.assign(List.of(tp));
            c.seekToBeginning(List.of(tp));
            long end = c.endOffsets(List.of(tp)).get(tp);
            List<ConsumerRecord<String, byte[]>> records = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (c.position(tp) < end && System.nanoTime() < deadline) {
                records.addAll(c.poll(Duration.ofMillis(200)).records(tp));
            }
            return records;
        }
    }

    @Override
    public void close() {
        batches.close(Duration.ofSeconds(10));
    }
}
