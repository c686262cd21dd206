package org.overfitguard.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The checks must reject what they claim to reject: each test doctors one document of the rendered
 * prod overlay (a private copy) and expects the matching check to name the fault. Without these, a
 * check that looks at the wrong field would pass every overlay silently.
 */
class MutationTest {

    private static Manifests doctored(Consumer<Manifests> change) {
        Manifests m = Kustomize.overlay("prod").copy();
        change.accept(m);
        return m;
    }

    private static ObjectNode container(Manifests m, String deployment) {
        return (ObjectNode) Manifests.podSpec(m.get("Deployment", deployment)).path("containers").path(0);
    }

    private static void rejected(Function<Manifests, List<String>> check, Consumer<Manifests> change, String... words) {
        Manifests before = Kustomize.overlay("prod");
        assertEquals(List.of(), check.apply(before), "the undoctored render must pass this check");
        List<String> problems = check.apply(doctored(change));
        String all = String.join("\n", problems);
        for (String word : words) {
            assertTrue(all.contains(word), "expected a problem mentioning '" + word + "', got:\n" + all);
        }
    }

    @Test
    void aContainerWithoutReadinessProbeIsRejected() {
        rejected(Workloads::deployments, m -> container(m, "trainer-service").remove("readinessProbe"),
                "trainer-service", "readinessProbe", "/q/health/ready");
    }

    @Test
    void aLivenessProbeOnAnotherPathIsRejected() {
        rejected(Workloads::deployments,
                m -> ((ObjectNode) container(m, "data-service").path("livenessProbe").path("httpGet")).put("path", "/health"),
                "data-service", "livenessProbe");
    }

    @Test
    void aContainerWithoutMemoryLimitIsRejected() {
        rejected(Workloads::deployments,
                m -> ((ObjectNode) container(m, "evaluator-service").path("resources").path("limits")).remove("memory"),
                "evaluator-service", "resources.limits.memory");
    }

    @Test
    void aWritableRootFilesystemNeedsTheDocumentedException() {
        Consumer<Manifests> writable = m -> ((ObjectNode) container(m, "monitor-service").path("securityContext"))
                .put("readOnlyRootFilesystem", false);
        rejected(Workloads::deployments, writable, "monitor-service", "readOnlyRootFilesystem");
        Manifests excused = doctored(writable.andThen(m -> ((ObjectNode) m.get("Deployment", "monitor-service")
                .path("spec").path("template").path("metadata")).putObject("annotations")
                .put(Workloads.WRITABLE_ROOT, "the reason, e.g. a library that writes next to its jar")));
        assertEquals(List.of(), Workloads.deployments(excused));
    }

    @Test
    void privilegeEscalationIsRejected() {
        rejected(Workloads::deployments,
                m -> ((ObjectNode) container(m, "trainer-service").path("securityContext")).put("allowPrivilegeEscalation", true),
                "trainer-service", "allowPrivilegeEscalation");
    }

    @Test
    void aGracePeriodShorterThanTheShutdownTimeoutIsRejected() {
        rejected(Workloads::deployments,
                m -> ((ObjectNode) Manifests.podSpec(m.get("Deployment", "trainer-service"))).put("terminationGracePeriodSeconds", 20),
                "trainer-service", "terminationGracePeriodSeconds 20", "quarkus.shutdown.timeout (20 s)");
    }

    @Test
    void anAclBeyondServiceAccessIsRejected() {
        rejected(KafkaChecks::users, m -> {
            ObjectNode rule = acls(m, "evaluator-service").addObject();
            rule.putObject("resource").put("type", "topic").put("name", "runs").put("patternType", "literal");
            rule.putArray("operations").add("Write");
        }, "evaluator-service", "grants more", "Write on topic 'runs'");
    }

    @Test
    void aMissingAclIsRejected() {
        // the monitor's Describe on every group: without it there is no consumer lag
        rejected(KafkaChecks::users, m -> {
            ArrayNode acls = acls(m, "monitor-service");
            for (int i = 0; i < acls.size(); i++) {
                if ("group".equals(acls.get(i).path("resource").path("type").asText()) && "*".equals(acls.get(i).path("resource").path("name").asText())) {
                    acls.remove(i);
                    return;
                }
            }
        }, "monitor-service", "lacks", "Describe on group '*'");
    }

    @Test
    void aMissingKafkaTopicIsRejected() {
        rejected(KafkaChecks::topics, m -> m.docs().remove(m.get("KafkaTopic", "evaluations")), "'evaluations' has no KafkaTopic");
    }

    @Test
    void aTopicWithTheWrongPartitionCountIsRejected() {
        rejected(KafkaChecks::topics, m -> ((ObjectNode) m.get("KafkaTopic", "control").path("spec")).put("partitions", 1),
                "KafkaTopic control", "has 1");
    }

    @Test
    void aConfiguredTopicTheUserCannotReadIsRejected() {
        // data-service's train-metrics channel reads train-metrics: take Read away from its user
        rejected(KafkaChecks::topics, m -> {
            for (JsonNode rule : acls(m, "data-service")) {
                if ("train-metrics".equals(rule.path("resource").path("name").asText())) {
                    ((ObjectNode) rule).putArray("operations").add("Describe");
                }
            }
        }, "data-service's configuration needs Read on topic 'train-metrics'");
    }

    @Test
    void aMistypedVariableIsRejected() {
        rejected(EnvChecks::environment, m -> ((ArrayNode) container(m, "trainer-service").path("env")).addObject()
                .put("name", "TRAINER_CHEKPOINT_ROOT").put("value", "/checkpoints"), "TRAINER_CHEKPOINT_ROOT maps to no configuration key");
    }

    @Test
    void aDjlVariableOnAServiceWithoutDjlIsRejected() {
        rejected(EnvChecks::environment, m -> ((ArrayNode) container(m, "monitor-service").path("env")).addObject()
                .put("name", "PYTORCH_FLAVOR").put("value", "cu128"), "monitor-service", "PYTORCH_FLAVOR");
    }

    @Test
    void anUnknownKafkaSettingIsRejected() {
        rejected(EnvChecks::environment, m -> ((ArrayNode) container(m, "data-service").path("env")).addObject()
                .put("name", "KAFKA_SASL_MECHANISMS").put("value", "SCRAM-SHA-512"), "KAFKA_SASL_MECHANISMS");
    }

    @Test
    void readingAnotherServicesCredentialsIsRejected() {
        rejected(EnvChecks::environment, m -> {
            for (JsonNode e : container(m, "trainer-service").path("env")) {
                if ("KAFKA_SASL_JAAS_CONFIG".equals(e.path("name").asText())) {
                    ((ObjectNode) e.path("valueFrom").path("secretKeyRef")).put("name", "data-service");
                }
            }
        }, "trainer-service", "reads Secret data-service");
    }

    @Test
    void aLiteralCredentialIsRejected() {
        rejected(EnvChecks::environment, m -> {
            for (JsonNode e : container(m, "monitor-service").path("env")) {
                if ("KAFKA_SASL_JAAS_CONFIG".equals(e.path("name").asText())) {
                    ((ObjectNode) e).remove("valueFrom");
                    ((ObjectNode) e).put("value", "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"x\" password=\"y\";");
                }
            }
        }, "monitor-service", "must come from a Secret");
    }

    @Test
    void aPlainSecretInTheManifestsIsRejected() {
        rejected(EnvChecks::environment, m -> m.docs().add(Kustomize.parse(
                "apiVersion: v1\nkind: Secret\nmetadata:\n  name: leaked\nstringData:\n  password: hunter2\n").get(0)), "Secret leaked");
    }

    @Test
    void aCheckpointRootOnAReadOnlyVolumeIsRejected() {
        rejected(EnvChecks::environment, m -> {
            for (JsonNode v : container(m, "trainer-service").path("volumeMounts")) {
                if ("/checkpoints".equals(v.path("mountPath").asText())) {
                    ((ObjectNode) v).put("readOnly", true);
                }
            }
        }, "TRAINER_CHECKPOINT_ROOT=/checkpoints", "read-only");
    }

    @Test
    void anEvaluatorThatCannotSeeTheCheckpointsIsRejected() {
        rejected(Workloads::checkpointVolume, m -> {
            for (JsonNode v : container(m, "evaluator-service").path("volumeMounts")) {
                if ("/checkpoints".equals(v.path("mountPath").asText())) {
                    ((ObjectNode) v).put("mountPath", "/var/checkpoints");
                }
            }
        }, "evaluator-service must mount claim checkpoints at /checkpoints");
    }

    @Test
    void prodWithOneBrokerIsRejected() {
        rejected(OverlayShapes::prod, m -> ((ObjectNode) m.get("KafkaNodePool", "dual-role").path("spec")).put("replicas", 1),
                "3 brokers, has 1");
    }

    @Test
    void prodWithAPlainListenerIsRejected() {
        rejected(OverlayShapes::prod, m -> ((ArrayNode) m.kafka().path("spec").path("kafka").path("listeners")).addObject()
                .put("name", "plain").put("port", 9092).put("type", "internal").put("tls", false), "listener plain");
    }

    @Test
    void prodTrainerWithoutGpuTolerationIsRejected() {
        rejected(OverlayShapes::prod, m -> ((ObjectNode) Manifests.podSpec(m.get("Deployment", "trainer-service"))).remove("tolerations"),
                "tolerate the nvidia.com/gpu taint");
    }

    @Test
    void aClientOnTheWrongProtocolIsRejected() {
        rejected(KafkaChecks::clientsMatchListener, m -> {
            for (JsonNode cm : m.ofKind("ConfigMap")) {
                if (Manifests.name(cm).startsWith("kafka-client")) {
                    ((ObjectNode) cm.path("data")).put("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
                }
            }
        }, "needs KAFKA_SECURITY_PROTOCOL SASL_SSL, was PLAINTEXT");
    }

    @Test
    void aServiceNotScrapedIsRejected() {
        rejected(Workloads::observedAndIsolated, m -> m.docs().remove(m.get("ServiceMonitor", "evaluator-service")),
                "evaluator-service: no ServiceMonitor");
    }

    private static ArrayNode acls(Manifests m, String user) {
        return (ArrayNode) m.get("KafkaUser", user).path("spec").path("authorization").path("acls");
    }
}
