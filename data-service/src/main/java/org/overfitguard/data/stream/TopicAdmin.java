package org.overfitguard.data.stream;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.overfitguard.contracts.Topics;
import org.overfitguard.data.DataConfig;
import org.overfitguard.messaging.KafkaConnection;

/**
 * Creates and deletes a run's two topics. One partition each: batch k is at offset k and the
 * held-out records are read in order. Retention bounds the disk a forgotten run can hold.
 */
@ApplicationScoped
public class TopicAdmin {

    @Inject
    DataConfig config;
    @Inject
    KafkaConnection kafka;

    private Admin admin;

    private synchronized Admin admin() {
        if (admin == null) {
            admin = Admin.create(kafka.settings());
        }
        return admin;
    }

    void close(@Observes ShutdownEvent ignored) {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }

    /** Smallest retention.bytes of a batch topic, and its segment size bounds: Kafka deletes whole segments only. */
    static final long MIN_BATCH_RETENTION = 16L << 20;
    static final long MIN_SEGMENT = 1L << 20;
    static final long MAX_SEGMENT = 64L << 20;

    /**
     * The run's batch topic keeps {@code batchBytes} (what a resume may go back to; see
     * RunFootprint.batchTopicBytes) and data.topic-retention of time; its held-out topic, written once
     * and read at every evaluation, keeps everything as long as the run may last.
     */
    public void createRunTopics(String runId, long batchBytes) {
        long retention = Math.max(MIN_BATCH_RETENTION, batchBytes);
        long segment = Math.max(MIN_SEGMENT, Math.min(MAX_SEGMENT, retention / 8));
        Map<String, String> batches = Map.of("retention.ms", String.valueOf(config.topicRetention().toMillis()),
                "retention.bytes", String.valueOf(retention), "segment.bytes", String.valueOf(segment), "cleanup.policy", "delete");
        Map<String, String> heldOut = Map.of("retention.ms", "-1", "retention.bytes", "-1", "cleanup.policy", "delete");
        create(Topics.batches(runId), batches);
        create(Topics.heldOut(runId), heldOut);
    }

    private void create(String topic, Map<String, String> configs) {
        try {
            admin().createTopics(List.of(new NewTopic(topic, Optional.of(1), Optional.empty()).configs(configs))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + topic + ": " + e.getCause().getMessage(), e);
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot create topic " + topic + ": " + e, e);
        }
    }

    public void deleteRunTopics(String runId) {
        try {
            admin().deleteTopics(List.of(Topics.batches(runId), Topics.heldOut(runId))).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                throw new IllegalStateException("cannot delete the topics of run " + runId, e);
            }
        } catch (InterruptedException | TimeoutException e) {
            throw new IllegalStateException("cannot delete the topics of run " + runId, e);
        }
    }
}
