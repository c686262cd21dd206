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

    public void createRunTopics(String runId) {
        Map<String, String> configs = Map.of("retention.ms", String.valueOf(config.topicRetention().toMillis()),
                "cleanup.policy", "delete");
        for (String topic : List.of(Topics.batches(runId), Topics.heldOut(runId))) {
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
