package org.overfitguard.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every overlay under k8s/overlays renders with kubectl kustomize and keeps the invariants: probes,
 * limits and security contexts; ACLs equal to ServiceAccess; KafkaTopics for the static topics;
 * environment variables that mean something to their service. A new overlay is checked as soon as
 * its directory exists.
 */
class OverlaysTest {

    static Stream<String> overlays() throws IOException {
        try (Stream<Path> dirs = Files.list(Kustomize.root().resolve("k8s/overlays"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml")))
                    .map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @Test
    void devAndProdExist() throws IOException {
        assertEquals(List.of("dev", "prod"), overlays().filter(o -> o.equals("dev") || o.equals("prod")).toList());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void rendersTheClusterTheFourServicesAndTheirMonitoring(String overlay) {
        Manifests m = Kustomize.overlay(overlay);
        for (String kind : List.of("Kafka", "KafkaNodePool", "KafkaTopic", "KafkaUser", "Deployment", "Service",
                "ServiceAccount", "NetworkPolicy", "ServiceMonitor", "PodMonitor", "PersistentVolumeClaim")) {
            assertTrue(!m.ofKind(kind).isEmpty(), overlay + " renders no " + kind);
        }
        assertEquals(4, m.ofKind("Deployment").size(), overlay + ": one Deployment per service");
        String namespace = m.docs().get(0).path("metadata").path("namespace").asText();
        assertTrue(!namespace.isBlank() && m.docs().stream()
                        .allMatch(d -> namespace.equals(d.path("metadata").path("namespace").asText())),
                overlay + ": every resource in one namespace (the overlay's namespace:)");
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void deploymentsHaveProbesLimitsSecurityContextsAndGrace(String overlay) {
        check(overlay, Workloads::deployments);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everythingIsLabelled(String overlay) {
        check(overlay, Workloads::labels);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void eachServiceIsScrapedAndIsolated(String overlay) {
        check(overlay, Workloads::observedAndIsolated);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void trainerAndEvaluatorShareTheCheckpointVolume(String overlay) {
        check(overlay, Workloads::checkpointVolume);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaUsersGrantExactlyWhatServiceAccessSays(String overlay) {
        check(overlay, KafkaChecks::users);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyTopicInUseIsAKafkaTopicOrUnderAnAclPrefix(String overlay) {
        check(overlay, KafkaChecks::topics);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaIsAKraftClusterWithAuthorization(String overlay) {
        check(overlay, KafkaChecks::cluster);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void clientsConnectTheWayTheirListenerAsks(String overlay) {
        check(overlay, KafkaChecks::clientsMatchListener);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void environmentVariablesMapToRealConfigurationKeys(String overlay) {
        check(overlay, EnvChecks::environment);
    }

    @Test
    void prodIsThreeReplicatedPersistentBrokersWithTlsScramAndAGpuTrainer() {
        check("prod", OverlayShapes::prod);
    }

    @Test
    void devIsOneEphemeralNodeAndACpuTrainer() {
        check("dev", OverlayShapes::dev);
    }

    private static void check(String overlay, Function<Manifests, List<String>> check) {
        List<String> problems = check.apply(Kustomize.overlay(overlay));
        assertEquals(List.of(), problems, "k8s/overlays/" + overlay + ":\n  " + String.join("\n  ", problems));
    }
}
