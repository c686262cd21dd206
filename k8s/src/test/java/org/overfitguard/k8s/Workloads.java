package org.overfitguard.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.overfitguard.contracts.ServiceAccess;

/**
 * Checks of the four Deployments and what surrounds them: probes, resources, security context,
 * graceful shutdown, labels, Services, ServiceMonitors, NetworkPolicies and the shared checkpoint
 * volume. Each method returns the problems it found; empty means fine.
 */
final class Workloads {

    /**
     * A pod template annotation that allows a writable root filesystem; its value must say why (the
     * documented exception). No service needs it today: Quarkus writes only to /tmp and DJL only to
     * its cache, both emptyDir volumes.
     */
    static final String WRITABLE_ROOT = "overfit-guard.io/writable-root-filesystem";

    private Workloads() {
    }

    /** Probes, resources, security context and shutdown grace of every container of every Deployment. */
    static List<String> deployments(Manifests m) {
        List<String> problems = new ArrayList<>();
        List<String> seen = new ArrayList<>();
        for (JsonNode d : m.ofKind("Deployment")) {
            String name = Manifests.name(d);
            seen.add(name);
            if (!ServiceAccess.SERVICES.contains(name)) {
                problems.add("Deployment " + name + " is none of the services " + ServiceAccess.SERVICES);
                continue;
            }
            JsonNode pod = Manifests.podSpec(d);
            Duration shutdown = ServiceConfig.of(name).shutdownTime();
            long grace = pod.path("terminationGracePeriodSeconds").asLong(30); // Kubernetes' default
            if (grace <= shutdown.toSeconds()) {
                problems.add(name + ": terminationGracePeriodSeconds " + grace + " must exceed quarkus.shutdown.timeout ("
                        + shutdown.toSeconds() + " s), or Kubernetes kills the service before it has shut down");
            }
            if (pod.path("automountServiceAccountToken").asBoolean(true)) {
                problems.add(name + ": automountServiceAccountToken must be false (the services never call the Kubernetes API)");
            }
            String writableReason = d.path("spec").path("template").path("metadata").path("annotations").path(WRITABLE_ROOT).asText("");
            JsonNode containers = pod.path("containers");
            if (containers.isEmpty()) {
                problems.add(name + ": no containers");
            }
            for (JsonNode c : containers) {
                problems.addAll(container(name + "/" + c.path("name").asText(), pod, c, writableReason));
            }
        }
        for (String service : ServiceAccess.SERVICES) {
            if (!seen.contains(service)) {
                problems.add("no Deployment " + service);
            }
        }
        return problems;
    }

    private static List<String> container(String who, JsonNode pod, JsonNode c, String writableReason) {
        List<String> problems = new ArrayList<>();
        probe(problems, who, c, "livenessProbe", "/q/health/live");
        probe(problems, who, c, "readinessProbe", "/q/health/ready");
        for (String kind : List.of("requests", "limits")) {
            for (String resource : List.of("cpu", "memory")) {
                if (c.path("resources").path(kind).path(resource).asText("").isBlank()) {
                    problems.add(who + ": resources." + kind + "." + resource + " is not set");
                }
            }
        }
        JsonNode sc = c.path("securityContext");
        JsonNode psc = pod.path("securityContext");
        if (!sc.path("runAsNonRoot").asBoolean(psc.path("runAsNonRoot").asBoolean(false))) {
            problems.add(who + ": securityContext.runAsNonRoot must be true (container or pod)");
        }
        if (sc.path("runAsUser").asLong(psc.path("runAsUser").asLong(-1)) == 0) {
            problems.add(who + ": runAsUser 0 is root");
        }
        if (sc.path("allowPrivilegeEscalation").asBoolean(true)) {
            problems.add(who + ": securityContext.allowPrivilegeEscalation must be false");
        }
        if (sc.path("privileged").asBoolean(false)) {
            problems.add(who + ": must not be privileged");
        }
        boolean dropsAll = false;
        for (JsonNode cap : sc.path("capabilities").path("drop")) {
            dropsAll |= "ALL".equals(cap.asText());
        }
        if (!dropsAll || sc.path("capabilities").path("add").size() > 0) {
            problems.add(who + ": securityContext.capabilities must drop ALL and add none");
        }
        String seccomp = sc.path("seccompProfile").path("type").asText(psc.path("seccompProfile").path("type").asText(""));
        if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
            problems.add(who + ": seccompProfile must be RuntimeDefault (container or pod), was '" + seccomp + "'");
        }
        if (!sc.path("readOnlyRootFilesystem").asBoolean(false)) {
            if (writableReason.isBlank()) {
                problems.add(who + ": securityContext.readOnlyRootFilesystem must be true, or the pod template annotated "
                        + WRITABLE_ROOT + " with the reason");
            }
        } else if (mountAt(c, "/tmp").isEmpty()) {
            problems.add(who + ": a read-only root filesystem needs a writable volume at /tmp (Quarkus, the JVM)");
        }
        return problems;
    }

    private static void probe(List<String> problems, String who, JsonNode c, String probe, String path) {
        JsonNode get = c.path(probe).path("httpGet");
        if (!path.equals(get.path("path").asText())) {
            problems.add(who + ": " + probe + " must be an HTTP GET of " + path + ", was " + c.path(probe));
            return;
        }
        String port = get.path("port").asText();
        boolean declared = false;
        for (JsonNode p : c.path("ports")) {
            declared |= port.equals(p.path("name").asText()) || port.equals(p.path("containerPort").asText());
        }
        if (!declared) {
            problems.add(who + ": " + probe + " port '" + port + "' is no port of the container");
        }
    }

    /** app.kubernetes.io/name on every document and pod template; app.kubernetes.io/part-of: overfit-guard too. */
    static List<String> labels(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (JsonNode d : m.docs()) {
            checkLabels(problems, Manifests.id(d), d.path("metadata").path("labels"));
            if (d.path("spec").path("template").has("metadata")) {
                checkLabels(problems, Manifests.id(d) + " pod template", d.path("spec").path("template").path("metadata").path("labels"));
            }
        }
        return problems;
    }

    private static void checkLabels(List<String> problems, String who, JsonNode labels) {
        if (labels.path("app.kubernetes.io/name").asText("").isBlank()) {
            problems.add(who + " has no label app.kubernetes.io/name");
        }
        if (!"overfit-guard".equals(labels.path("app.kubernetes.io/part-of").asText())) {
            problems.add(who + " must be labelled app.kubernetes.io/part-of: overfit-guard");
        }
    }

    /**
     * Per Deployment: a Service selecting its pods on a port named http, a ServiceMonitor scraping
     * /q/metrics through it, and a NetworkPolicy isolating it in both directions; a PodMonitor for the
     * Kafka pods' metrics.
     */
    static List<String> observedAndIsolated(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (JsonNode d : m.ofKind("Deployment")) {
            String name = Manifests.name(d);
            JsonNode podLabels = d.path("spec").path("template").path("metadata").path("labels");
            Optional<JsonNode> service = m.ofKind("Service").stream()
                    .filter(s -> selects(s.path("spec").path("selector"), podLabels)).findFirst();
            if (service.isEmpty()) {
                problems.add(name + ": no Service selects its pods");
            } else {
                JsonNode svcLabels = service.get().path("metadata").path("labels");
                boolean scraped = m.ofKind("ServiceMonitor").stream()
                        .filter(sm -> selects(sm.path("spec").path("selector").path("matchLabels"), svcLabels))
                        .flatMap(sm -> iterable(sm.path("spec").path("endpoints")).stream())
                        .anyMatch(e -> "/q/metrics".equals(e.path("path").asText()) && "http".equals(e.path("port").asText()));
                if (!scraped) {
                    problems.add(name + ": no ServiceMonitor scrapes /q/metrics on port http of Service " + Manifests.name(service.get()));
                }
            }
            boolean isolated = m.ofKind("NetworkPolicy").stream()
                    .filter(np -> selects(np.path("spec").path("podSelector").path("matchLabels"), podLabels))
                    .anyMatch(np -> np.path("spec").path("policyTypes").toString().contains("Ingress")
                            && np.path("spec").path("policyTypes").toString().contains("Egress"));
            if (!isolated) {
                problems.add(name + ": no NetworkPolicy selects its pods for both Ingress and Egress");
            }
        }
        String cluster = Manifests.name(m.kafka());
        boolean kafkaScraped = m.ofKind("PodMonitor").stream().anyMatch(pm -> {
            JsonNode sel = pm.path("spec").path("selector").path("matchLabels");
            return cluster.equals(sel.path("strimzi.io/cluster").asText()) && "Kafka".equals(sel.path("strimzi.io/kind").asText())
                    && pm.path("spec").path("podMetricsEndpoints").toString().contains("tcp-prometheus");
        });
        if (!kafkaScraped) {
            problems.add("no PodMonitor scrapes the tcp-prometheus port of the pods of Kafka " + cluster);
        }
        return problems;
    }

    /**
     * The checkpoint volume: TRAINER_CHECKPOINT_ROOT is a writable mount of a claim in the trainer, and
     * the evaluator mounts the same claim at the same path (CheckpointSaved carries absolute paths).
     */
    static List<String> checkpointVolume(Manifests m) {
        List<String> problems = new ArrayList<>();
        JsonNode trainer = m.get("Deployment", ServiceAccess.TRAINER);
        JsonNode evaluator = m.get("Deployment", ServiceAccess.EVALUATOR);
        String root = effectiveEnv(m, trainer).getOrDefault("TRAINER_CHECKPOINT_ROOT", "");
        Optional<String> trainerClaim = claimAt(trainer, root, true);
        if (trainerClaim.isEmpty()) {
            problems.add("trainer-service: TRAINER_CHECKPOINT_ROOT '" + root + "' must be a writable mount of a PersistentVolumeClaim");
            return problems;
        }
        if (!claimAt(evaluator, root, false).equals(trainerClaim)) {
            problems.add("evaluator-service must mount claim " + trainerClaim.get() + " at " + root + ", where the trainer writes checkpoints");
        }
        if (m.find("PersistentVolumeClaim", trainerClaim.get()).isEmpty()) {
            problems.add("PersistentVolumeClaim " + trainerClaim.get() + " is not part of the render");
        }
        return problems;
    }

    /** The claim mounted at exactly {@code path} in the Deployment's first container (writable if asked). */
    static Optional<String> claimAt(JsonNode deployment, String path, boolean writable) {
        JsonNode pod = Manifests.podSpec(deployment);
        Optional<JsonNode> mount = mountAt(pod.path("containers").path(0), path);
        if (mount.isEmpty() || (writable && mount.get().path("readOnly").asBoolean(false))) {
            return Optional.empty();
        }
        for (JsonNode v : pod.path("volumes")) {
            if (v.path("name").asText().equals(mount.get().path("name").asText()) && v.has("persistentVolumeClaim")) {
                return Optional.of(v.path("persistentVolumeClaim").path("claimName").asText());
            }
        }
        return Optional.empty();
    }

    static Optional<JsonNode> mountAt(JsonNode container, String path) {
        return iterable(container.path("volumeMounts")).stream().filter(v -> path.equals(v.path("mountPath").asText())).findFirst();
    }

    /**
     * The environment of a Deployment's first container as literal values: its ConfigMaps (envFrom)
     * overridden by its env entries; an entry from a Secret or field reads "(valueFrom)".
     */
    static Map<String, String> effectiveEnv(Manifests m, JsonNode deployment) {
        Map<String, String> env = new LinkedHashMap<>();
        JsonNode c = Manifests.podSpec(deployment).path("containers").path(0);
        for (JsonNode from : c.path("envFrom")) {
            String cm = from.path("configMapRef").path("name").asText(null);
            if (cm != null) {
                m.find("ConfigMap", cm).ifPresent(map -> map.path("data").fields()
                        .forEachRemaining(e -> env.put(from.path("prefix").asText("") + e.getKey(), e.getValue().asText())));
            }
        }
        for (JsonNode e : c.path("env")) {
            env.put(e.path("name").asText(), e.has("value") ? e.path("value").asText() : "(valueFrom)");
        }
        return env;
    }

    static boolean selects(JsonNode selector, JsonNode labels) {
        if (selector == null || !selector.isObject() || selector.isEmpty()) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = selector.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!e.getValue().asText().equals(labels.path(e.getKey()).asText(null))) {
                return false;
            }
        }
        return true;
    }

    static List<JsonNode> iterable(JsonNode array) {
        List<JsonNode> list = new ArrayList<>();
        array.forEach(list::add);
        return list;
    }
}
