package org.overfitguard.trainer.training;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.CorruptBatchException;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.messaging.DeadLetters;
import org.overfitguard.messaging.KafkaClients;
import org.overfitguard.messaging.KafkaConnection;

/**
 * The run's training batches, read with a plain consumer assigned to partition 0 of
 * batches.&lt;runId&gt; from an exact offset (0, or the checkpoint's next-batch offset). It hands out
 * batch k for step k: a poison record goes to the dead-letter topic and is skipped, a duplicate of
 * an earlier batch is skipped, a gap (batch k+1 before k) is an error, never silently trained.
 */
final class BatchStream implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BatchStream.class);

    private final KafkaConsumer<String, byte[]> consumer;
    private final TopicPartition partition;
    private final DeadLetters deadLetters;
    private final String runId;
    private final Deque<ConsumerRecord<String, byte[]>> buffered = new ArrayDeque<>();
    private long nextOffset;

    BatchStream(KafkaConnection kafka, String runId, long fromOffset, DeadLetters deadLetters, String clientId) {
        var config = KafkaClients.consumer(kafka, clientId);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 64);
        this.consumer = new KafkaConsumer<>(config);
        this.partition = new TopicPartition(Topics.batches(runId), 0);
        this.deadLetters = deadLetters;
        this.runId = runId;
        this.nextOffset = fromOffset;
        consumer.assign(List.of(partition));
        consumer.seek(partition, fromOffset);
    }

    /** Batch {@code index}, waiting for it as long as {@code stop} says no; null once stop says yes. */
    TokenBatch next(long index, BooleanSupplier stop) {
        while (true) {
            ConsumerRecord<String, byte[]> r = buffered.poll();
            if (r == null) {
                if (stop.getAsBoolean()) {
                    return null;
                }
                consumer.poll(Duration.ofMillis(100)).records(partition).forEach(buffered::add);
                continue;
            }
            nextOffset = r.offset() + 1;
            TokenBatch batch;
            try {
                batch = TokenBatchCodec.decode(r.value());
            } catch (CorruptBatchException e) {
                deadLetters.send(r, "corrupt token batch: " + e.getMessage(), e);
                continue;
            }
            if (!batch.runId().equals(runId) || batch.heldOut()) {
                deadLetters.send(r, "token batch of run " + batch.runId() + (batch.heldOut() ? " (held-out)" : "")
                        + " on the training topic of run " + runId, null);
                continue;
            }
            if (batch.index() < index) {
                LOG.debugf("run %s: skipping duplicate batch %d at offset %d", runId, batch.index(), r.offset());
                continue;
            }
            if (batch.index() > index) {
                throw new IllegalStateException("run " + runId + ": batch " + index + " is missing, found batch "
                        + batch.index() + " at offset " + r.offset());
            }
            return batch;
        }
    }

    /** The offset after the last record handed out or skipped: where a resumed run reads on. */
    long nextOffset() {
        return nextOffset;
    }

    @Override
    public void close() {
        consumer.close(Duration.ofSeconds(5));
    }
}
