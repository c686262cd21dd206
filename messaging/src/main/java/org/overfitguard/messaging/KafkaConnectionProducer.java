package org.overfitguard.messaging;

import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.util.Map;

/** Makes the {@link KafkaConnection} of the service's {@code kafka.*} configuration injectable. */
@ApplicationScoped
public class KafkaConnectionProducer {

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> broker;

    @Produces
    @Singleton // a record cannot be proxied: a plain singleton, made once
    KafkaConnection connection() {
        return KafkaConnection.from(broker);
    }
}
