package org.overfitguard.launcher.containers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * How scripts/images-smoke.sh runs a container, derived from the rendered k8s/overlays/dev (real
 * kubectl kustomize): the security context, volumes, limits and environment of the manifests, with
 * only the cluster's parts replaced. The mutation cases show the arguments follow the manifests.
 */
class PodmanCommandTest {

    private static final Path VOLUMES = Path.of("/v");
    private static final LocalBindings LOCAL = new LocalBindings("localhost:19092",
            Map.of("trainer-service", 18081, "data-service", 18082, "evaluator-service", 18083, "monitor-service", 18084),
            VOLUMES, "PUBLICKEY", List.of("nofile=1024:1024"));
    private static String devYaml;
    private static RenderedManifests dev;

    @BeforeAll
    static void render() throws IOException {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        devYaml = RenderedManifests.renderYaml(repo.resolve("k8s/overlays/dev"));
        dev = RenderedManifests.parse(devYaml);
    }

    @Test
    void theTrainerRunsWithTheManifestsSecurityContextLimitsAndVolumes() {
        List<String> a = args(dev, "trainer-service");
        assertTrue(adjacent(a, "--user", "185:185") && adjacent(a, "--group-add", "185"), a.toString());
        assertTrue(a.contains("--read-only") && a.contains("--read-only-tmpfs=false"), "only the manifests' volumes are writable");
        assertTrue(adjacent(a, "--cap-drop", "ALL") && adjacent(a, "--security-opt", "no-new-privileges"));
        assertFalse(a.contains("seccomp=unconfined"), "RuntimeDefault is podman's default profile");
        assertTrue(adjacent(a, "--memory", String.valueOf(4L << 30)) && adjacent(a, "--cpus", "2"), a.toString());
        assertTrue(adjacent(a, "-v", "/v/trainer-service/tmp:/tmp") && adjacent(a, "-v", "/v/trainer-service/djl-cache:/var/cache/djl")
                && adjacent(a, "-v", "/v/claims/checkpoints:/checkpoints") && adjacent(a, "-v", "/v/trainer-service/kafka-ca:/etc/kafka-ca:ro"),
                a.toString());
        assertEquals("overfit-guard/trainer-service:dev", a.get(a.size() - 1), "the image the dev overlay names");
    }

    @Test
    void theEvaluatorReadsTheSharedCheckpointClaimReadOnly() {
        assertTrue(adjacent(args(dev, "evaluator-service"), "-v", "/v/claims/checkpoints:/checkpoints:ro"));
    }

    @Test
    void theEnvironmentIsTheManifestsWithOnlyTheClustersPartsReplaced() {
        Map<String, String> env = PodmanCommand.environment(dev.deployment("trainer-service"), dev.configMaps(), LOCAL);
        assertEquals("cpu", env.get("TRAINER_DEVICE"));
        assertEquals("/checkpoints", env.get("TRAINER_CHECKPOINT_ROOT"));
        assertEquals("trainer-service-0", env.get("TRAINER_INSTANCE_ID"), "fieldRef metadata.name: the pod's name");
        assertTrue(env.get("JAVA_OPTS_APPEND").contains("-XX:MaxRAMPercentage=50"));
        assertEquals("true", env.get("QUARKUS_OIDC_TENANT_ENABLED"), "from the trainer-auth ConfigMap");
        assertEquals("localhost:19092", env.get("KAFKA_BOOTSTRAP_SERVERS"));
        assertEquals("PLAINTEXT", env.get("KAFKA_SECURITY_PROTOCOL"));
        assertEquals("PUBLICKEY", env.get("QUARKUS_OIDC_PUBLIC_KEY"));
        assertEquals("18081", env.get("QUARKUS_HTTP_PORT"));
        assertTrue(env.keySet().stream().noneMatch(k -> k.startsWith("KAFKA_SASL_") || k.startsWith("KAFKA_SSL_")
                || k.equals("QUARKUS_OIDC_AUTH_SERVER_URL")), env.keySet().toString());
        assertEquals("http://localhost:18081",
                PodmanCommand.environment(dev.deployment("monitor-service"), dev.configMaps(), LOCAL).get("MONITOR_TRAINER_URL"));
    }

    @Test
    void aChangeInTheManifestsIsAChangeInHowTheContainerRuns() throws IOException {
        RenderedManifests m = RenderedManifests.parse(trainerDeployment(t -> t
                .replaceFirst("readOnlyRootFilesystem: true", "readOnlyRootFilesystem: false")
                .replaceAll("runAsUser: 185", "runAsUser: 1001").replaceFirst("memory: 4Gi", "memory: 3Gi")
                .replaceFirst("value: cpu", "value: auto")));
        List<String> a = args(m, "trainer-service");
        assertFalse(a.contains("--read-only"), a.toString());
        assertTrue(adjacent(a, "--user", "1001:185") && adjacent(a, "--memory", String.valueOf(3L << 30)), a.toString());
        assertEquals("auto", PodmanCommand.environment(m.deployment("trainer-service"), m.configMaps(), LOCAL).get("TRAINER_DEVICE"));
        assertTrue(args(m, "data-service").contains("--read-only"), "the other Deployments are untouched");
    }

    @Test
    void whatHasNoLocalStandInIsRefusedByName() throws IOException {
        RenderedManifests secret = RenderedManifests.parse(trainerDeployment(t ->
                t.replaceFirst("name: KAFKA_SASL_JAAS_CONFIG", "name: MODEL_REGISTRY_PASSWORD")));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> args(secret, "trainer-service"));
        assertTrue(e.getMessage().contains("MODEL_REGISTRY_PASSWORD") && e.getMessage().contains("Secret"), e.getMessage());

        RenderedManifests root = RenderedManifests.parse(trainerDeployment(t -> t.replaceAll("runAsUser: 185", "runAsUser: 0")));
        assertThrows(IllegalArgumentException.class, () -> args(root, "trainer-service"));
    }

    @Test
    void kubernetesQuantities() {
        assertEquals(4L << 30, PodmanCommand.bytes("4Gi"));
        assertEquals(768L << 20, PodmanCommand.bytes("768Mi"));
        assertEquals(1_500_000_000L, PodmanCommand.bytes("1.5G"));
        assertEquals(1024, PodmanCommand.bytes("1024"));
        assertEquals("0.5", PodmanCommand.cpus("500m"));
        assertEquals("2", PodmanCommand.cpus("2"));
        assertThrows(IllegalArgumentException.class, () -> PodmanCommand.bytes("4 GB"));
        assertThrows(IllegalArgumentException.class, () -> PodmanCommand.cpus("2Gi"));
    }

    /** The rendered dev overlay with the trainer's Deployment document edited by {@code edit}. */
    private static String trainerDeployment(UnaryOperator<String> edit) {
        List<String> docs = new ArrayList<>(List.of(devYaml.split("\n---\n")));
        int edited = 0;
        for (int i = 0; i < docs.size(); i++) {
            if (docs.get(i).contains("kind: Deployment") && docs.get(i).contains("\n  name: trainer-service\n")) {
                docs.set(i, edit.apply(docs.get(i)));
                edited++;
            }
        }
        assertEquals(1, edited, "one trainer Deployment in the rendered overlay");
        return String.join("\n---\n", docs);
    }

    private static List<String> args(RenderedManifests m, String service) {
        return PodmanCommand.create(m.deployment(service), m.configMaps(), LOCAL);
    }

    private static boolean adjacent(List<String> args, String flag, String value) {
        return Collections.indexOfSubList(args, List.of(flag, value)) >= 0;
    }
}
