package org.overfitguard.trainer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.util.Map;
import org.overfitguard.contracts.Topics;
import org.overfitguard.kafka.KafkaBrokerResource;
import org.overfitguard.kafka.TopicIO;

/**
 * The static topics exist before the service starts, as in Kubernetes (KafkaTopics) and locally
 * (the launcher creates them). Otherwise the first event a test sends to a new topic grows the
 * ledger's subscription mid-test, and the rebalance that follows replays the whole log while other
 * tests wait on it.
 */
public final class StaticTopics implements QuarkusTestResourceLifecycleManager {

    @Override
    public Map<String, String> start() {
        String bootstrap = KafkaBrokerResource.broker().bootstrapServers();
        for (String topic : Topics.STATIC) {
            TopicIO.create(bootstrap, topic, Topics.STATIC_PARTITIONS); // an existing topic is left as it is
        }
        return Map.of();
    }

    @Override
    public void stop() {
    }
}
