package org.overfitguard.data.stream;

import static org.awaitility.Awaitility.await;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.kafka.KafkaBrokerResource;
import org.overfitguard.kafka.TopicIO;

/** With data.delete-topics-after-run, a run's two topics go once the run completed. */
@QuarkusTest
@TestProfile(TopicCleanupTest.DeleteAfterRun.class)
@QuarkusTestResource(KafkaBrokerResource.class)
class TopicCleanupTest {

    public static final class DeleteAfterRun implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("data.delete-topics-after-run", "true", "data.instance-id", "data-cleanup-test");
        }
    }

    @ConfigProperty(name = "kafka.bootstrap.servers")
    String bootstrap;

    // The topics are created and deleted while we poll them: a poll may meet a partition without a
    // leader yet, or a topic half gone; such transient errors are retried, not reported.
    @Test
    void aCompletedRunsTopicsAreDeleted() {
        String runId = "data-cleanup";
        send(RunStarted.of(runId, RunSpecs.parse("data: {sentences: 100}\nmodel: {block_size: 16}\ntraining: {batch_size: 4, max_steps: 50}"),
                "t", "cpu()", 0));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> topics().contains(Topics.batches(runId))
                && !TopicIO.readAll(bootstrap, Topics.batches(runId)).isEmpty());
        send(new RunCompleted(runId, Event.newId(), Event.now(), CompletionReason.MAX_STEPS, 50, null, null, null, null));
        await().atMost(Duration.ofSeconds(90)).ignoreExceptions().until(() -> !topics().contains(Topics.batches(runId))
                && !topics().contains(Topics.heldOut(runId)));
    }

    private java.util.Set<String> topics() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.listTopics().names().get();
        }
    }

    private void send(Event e) {
        TopicIO.send(bootstrap, Topics.RUNS, e.runId(), Json.write(e).getBytes(StandardCharsets.UTF_8));
    }
}
