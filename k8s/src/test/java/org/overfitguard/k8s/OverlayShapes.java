package org.overfitguard.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.overfitguard.contracts.ServiceAccess;

/** What makes an overlay dev or prod: the size and storage of Kafka, its listeners, the trainer's device. */
final class OverlayShapes {

    private OverlayShapes() {
    }

    /**
     * prod: three brokers, replication 3 with min.insync.replicas 2 (also for the offsets and
     * transaction topics), persistent storage, only TLS + SCRAM (or mutual TLS) listeners, the trainer
     * on a GPU node with the GPU image, the checkpoint volume ReadWriteMany, images from a registry.
     */
    static List<String> prod(Manifests m) {
        List<String> problems = new ArrayList<>();
        int brokers = KafkaChecks.nodes(m, "broker");
        if (brokers != 3) {
            problems.add("prod Kafka must have 3 brokers, has " + brokers);
        }
        if (KafkaChecks.nodes(m, "controller") != 3) {
            problems.add("prod Kafka must have 3 KRaft controllers (a quorum that survives one loss), has " + KafkaChecks.nodes(m, "controller"));
        }
        expectConfig(problems, m, Map.of("default.replication.factor", "3", "min.insync.replicas", "2",
                "offsets.topic.replication.factor", "3", "transaction.state.log.replication.factor", "3",
                "transaction.state.log.min.isr", "2"));
        if (!Set.of("persistent-claim").equals(KafkaChecks.storageTypes(m))) {
            problems.add("prod Kafka storage must be persistent-claim on every volume, is " + KafkaChecks.storageTypes(m));
        }
        problems.addAll(KafkaChecks.listenersSecure(m));

        JsonNode trainer = m.get("Deployment", ServiceAccess.TRAINER);
        JsonNode pod = Manifests.podSpec(trainer);
        JsonNode c = pod.path("containers").path(0);
        if (c.path("resources").path("limits").path("nvidia.com/gpu").asInt(0) < 1) {
            problems.add("prod trainer-service must ask for a GPU: resources.limits nvidia.com/gpu >= 1");
        }
        boolean tolerates = Workloads.iterable(pod.path("tolerations")).stream()
                .anyMatch(t -> "nvidia.com/gpu".equals(t.path("key").asText()));
        if (!tolerates) {
            problems.add("prod trainer-service must tolerate the nvidia.com/gpu taint of GPU nodes");
        }
        if (pod.path("nodeSelector").isEmpty()) {
            problems.add("prod trainer-service must select GPU nodes (nodeSelector)");
        }
        String device = Workloads.effectiveEnv(m, trainer).getOrDefault("TRAINER_DEVICE", "auto");
        if (!Set.of("auto", "gpu").contains(device)) {
            problems.add("prod trainer-service TRAINER_DEVICE must be auto or gpu, was " + device);
        }
        if (!c.path("image").asText().contains("-gpu")) {
            problems.add("prod trainer-service must run the GPU image (CUDA libtorch), runs " + c.path("image").asText());
        }
        String claim = Workloads.claimAt(trainer, Workloads.effectiveEnv(m, trainer).getOrDefault("TRAINER_CHECKPOINT_ROOT", ""), true).orElse("");
        boolean rwx = m.find("PersistentVolumeClaim", claim)
                .map(pvc -> pvc.path("spec").path("accessModes").toString().contains("ReadWriteMany")).orElse(false);
        if (!rwx) {
            problems.add("prod checkpoint claim '" + claim + "' must be ReadWriteMany: trainer and evaluator may run on different nodes");
        }
        for (JsonNode d : m.ofKind("Deployment")) {
            String image = Manifests.podSpec(d).path("containers").path(0).path("image").asText();
            String tag = image.contains(":") ? image.substring(image.lastIndexOf(':') + 1) : "";
            if (!image.contains("/") || tag.isEmpty() || tag.equals("latest")) {
                problems.add("prod " + Manifests.name(d) + " image must be a registry reference with a fixed tag, was " + image);
            }
        }
        return problems;
    }

    /** dev: one Kafka node on ephemeral storage with replication 1, the trainer on the CPU without a GPU. */
    static List<String> dev(Manifests m) {
        List<String> problems = new ArrayList<>();
        if (KafkaChecks.nodes(m, "broker") != 1) {
            problems.add("dev Kafka must be a single node, has " + KafkaChecks.nodes(m, "broker") + " brokers");
        }
        if (!Set.of("ephemeral").equals(KafkaChecks.storageTypes(m))) {
            problems.add("dev Kafka storage must be ephemeral, is " + KafkaChecks.storageTypes(m));
        }
        expectConfig(problems, m, Map.of("default.replication.factor", "1", "min.insync.replicas", "1",
                "offsets.topic.replication.factor", "1"));
        JsonNode trainer = m.get("Deployment", ServiceAccess.TRAINER);
        if (!"cpu".equals(Workloads.effectiveEnv(m, trainer).get("TRAINER_DEVICE"))) {
            problems.add("dev trainer-service must train on the CPU: TRAINER_DEVICE cpu");
        }
        if (Manifests.podSpec(trainer).path("containers").path(0).path("resources").path("limits").has("nvidia.com/gpu")) {
            problems.add("dev trainer-service must not ask for a GPU");
        }
        return problems;
    }

    private static void expectConfig(List<String> problems, Manifests m, Map<String, String> expected) {
        expected.forEach((key, value) -> {
            String actual = KafkaChecks.config(m, key);
            if (!value.equals(actual)) {
                problems.add("Kafka config " + key + " must be " + value + ", is '" + actual + "'");
            }
        });
    }
}
