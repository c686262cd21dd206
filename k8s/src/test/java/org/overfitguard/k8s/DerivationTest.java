package org.overfitguard.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.ServiceAccess;

/** The rules the overlay checks rest on: environment names, ACL derivation, shutdown times, channel topics. */
class DerivationTest {

    @Test
    void quarkusMapsPropertiesToEnvironmentNamesLikeThis() {
        assertEquals("TRAINER_CHECKPOINT_ROOT", ServiceConfig.envName("trainer.checkpoint-root"));
        assertEquals("TRAINER_INSTANCE_ID", ServiceConfig.envName("trainer.instance-id"));
        assertEquals("KAFKA_BOOTSTRAP_SERVERS", ServiceConfig.envName("kafka.bootstrap.servers"));
        assertEquals("QUARKUS_LOG_CATEGORY__AI_DJL__LEVEL", ServiceConfig.envName("quarkus.log.category.\"ai.djl\".level"));
    }

    @Test
    void kafkaVariablesAreAllowedOnlyWhenTheClientKnowsTheSetting() {
        ServiceConfig none = ServiceConfig.of("x", new Properties());
        assertEquals("Kafka client setting", EnvChecks.reason("x", none, "KAFKA_SASL_JAAS_CONFIG"));
        assertEquals("Kafka client setting", EnvChecks.reason("x", none, "KAFKA_SSL_TRUSTSTORE_LOCATION"));
        assertEquals("Kafka client setting", EnvChecks.reason("x", none, "KAFKA_SECURITY_PROTOCOL"));
        assertNull(EnvChecks.reason("x", none, "KAFKA_SASL_PASSWORD"));
        assertNull(EnvChecks.reason("x", none, "TRAINER_DEVICE"));
        assertNull(EnvChecks.reason(ServiceAccess.DATA, none, "DJL_CACHE_DIR"), "data-service loads no DJL");
        assertEquals("DJL", EnvChecks.reason(ServiceAccess.TRAINER, none, "PYTORCH_LIBRARY_PATH"));
    }

    @Test
    void theServicesConfigurationsAreRead() {
        ServiceConfig trainer = ServiceConfig.of(ServiceAccess.TRAINER);
        assertTrue(trainer.envNames().containsAll(Set.of("TRAINER_DEVICE", "TRAINER_CHECKPOINT_ROOT", "TRAINER_INSTANCE_ID",
                "KAFKA_BOOTSTRAP_SERVERS")), trainer.envNames().toString());
        assertEquals(Duration.ofSeconds(20), trainer.shutdownTime());
        assertEquals(Map.of("train-metrics", Set.of("Read"), "dead-letters", Set.of("Write")),
                ServiceConfig.of(ServiceAccess.DATA).channelTopics());
        assertTrue(!trainer.keys().contains("%test.trainer.device") && trainer.keys().contains("trainer.device"),
                "test-profile keys are not what the deployed service reads");
    }

    @Test
    void shutdownTimesAreQuarkusDurations() {
        Properties p = new Properties();
        p.setProperty("quarkus.shutdown.timeout", "PT1M");
        p.setProperty("quarkus.shutdown.delay", "5s");
        assertEquals(Duration.ofSeconds(65), ServiceConfig.of("x", p).shutdownTime());
    }

    @Test
    void aclsFollowServiceAccess() {
        Set<Acl> data = Acl.expected(ServiceAccess.BY_SERVICE.get(ServiceAccess.DATA));
        assertTrue(data.contains(new Acl("topic", "batches.", "prefix", "Create")), data.toString());
        assertTrue(data.contains(new Acl("transactionalId", "data-service-heldout-", "prefix", "Write")), data.toString());
        assertTrue(data.contains(new Acl("group", "data-service", "literal", "Read")), data.toString());
        Set<Acl> monitor = Acl.expected(ServiceAccess.BY_SERVICE.get(ServiceAccess.MONITOR));
        assertTrue(monitor.contains(new Acl("group", "*", "literal", "Describe")), monitor.toString());
        assertTrue(monitor.contains(new Acl("topic", "*", "literal", "Describe")), monitor.toString());
        assertTrue(new Acl("topic", "heldout.", "prefix", "Read").allowsOnTopic("heldout.run-1", "Read"));
        assertTrue(!new Acl("topic", "runs", "literal", "Read").allowsOnTopic("runs2", "Read"));
    }
}
