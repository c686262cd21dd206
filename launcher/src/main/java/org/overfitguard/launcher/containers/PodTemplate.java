package org.overfitguard.launcher.containers;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The one container of a rendered Deployment, as far as running it elsewhere needs: image, port,
 * security context (the container's over the pod's), environment, mounts with their volumes,
 * limits and the readiness probe's path. Read from the manifests, never restated: a change in k8s/
 * changes how the images are run by scripts/images-smoke.sh.
 */
public record PodTemplate(String service, String image, int port, long runAsUser, long runAsGroup, Long fsGroup,
                          boolean runAsNonRoot, boolean readOnlyRootFilesystem, boolean allowPrivilegeEscalation,
                          List<String> dropCapabilities, String seccomp, List<EnvVar> env, List<String> envFromConfigMaps,
                          List<Mount> mounts, String memoryLimit, String cpuLimit, String readinessPath) {

    /** A variable: a literal value, or a reference to a ConfigMap key, a Secret key or a pod field. */
    public record EnvVar(String name, String value, String configMap, String secret, String key, String fieldPath) {
    }

    /** A volume mount; {@code kind} is the volume's source (emptyDir, persistentVolumeClaim, secret, configMap). */
    public record Mount(String volume, String path, boolean readOnly, String kind, String source) {
    }

    /** This template with another image (a locally built one in place of a registry's). */
    public PodTemplate withImage(String other) {
        return new PodTemplate(service, other, port, runAsUser, runAsGroup, fsGroup, runAsNonRoot, readOnlyRootFilesystem,
                allowPrivilegeEscalation, dropCapabilities, seccomp, env, envFromConfigMaps, mounts, memoryLimit, cpuLimit,
                readinessPath);
    }

    /** The literal value of variable {@code name}, if the template sets one. */
    public java.util.Optional<String> envValue(String name) {
        return env.stream().filter(e -> e.name().equals(name) && e.value() != null).map(EnvVar::value).findFirst();
    }

    /** The template of {@code deployment} (a rendered apps/v1 Deployment with one container). */
    public static PodTemplate of(JsonNode deployment) {
        String name = deployment.path("metadata").path("name").asText();
        JsonNode pod = deployment.path("spec").path("template").path("spec");
        JsonNode containers = pod.path("containers");
        if (containers.size() != 1) {
            throw new IllegalArgumentException("Deployment " + name + " has " + containers.size() + " containers; one expected");
        }
        JsonNode c = containers.get(0);
        JsonNode psc = pod.path("securityContext");
        JsonNode sc = c.path("securityContext");
        Map<String, JsonNode> volumes = new java.util.HashMap<>();
        pod.path("volumes").forEach(v -> volumes.put(v.path("name").asText(), v));

        List<EnvVar> env = new ArrayList<>();
        for (JsonNode e : c.path("env")) {
            JsonNode from = e.path("valueFrom");
            env.add(new EnvVar(e.path("name").asText(), e.has("value") ? e.path("value").asText() : null,
                    text(from.path("configMapKeyRef").path("name")), text(from.path("secretKeyRef").path("name")),
                    text(from.has("configMapKeyRef") ? from.path("configMapKeyRef").path("key") : from.path("secretKeyRef").path("key")),
                    text(from.path("fieldRef").path("fieldPath"))));
        }
        List<String> envFrom = new ArrayList<>();
        for (JsonNode f : c.path("envFrom")) {
            if (!f.has("configMapRef")) {
                throw new IllegalArgumentException(name + ": envFrom other than configMapRef: " + f);
            }
            envFrom.add(f.path("configMapRef").path("name").asText());
        }
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode m : c.path("volumeMounts")) {
            String volume = m.path("name").asText();
            JsonNode v = volumes.get(volume);
            if (v == null) {
                throw new IllegalArgumentException(name + ": mount of an undeclared volume " + volume);
            }
            String kind = v.has("emptyDir") ? "emptyDir" : v.has("persistentVolumeClaim") ? "persistentVolumeClaim"
                    : v.has("secret") ? "secret" : v.has("configMap") ? "configMap" : v.fieldNames().next();
            String source = switch (kind) {
                case "persistentVolumeClaim" -> v.path(kind).path("claimName").asText();
                case "secret" -> v.path(kind).path("secretName").asText();
                case "configMap" -> v.path(kind).path("name").asText();
                default -> volume;
            };
            mounts.add(new Mount(volume, m.path("mountPath").asText(), m.path("readOnly").asBoolean(false), kind, source));
        }
        List<String> drop = new ArrayList<>();
        sc.path("capabilities").path("drop").forEach(d -> drop.add(d.asText()));
        int port = c.path("ports").path(0).path("containerPort").asInt(0);
        return new PodTemplate(name, c.path("image").asText(), port,
                either(sc, psc, "runAsUser").asLong(0), either(sc, psc, "runAsGroup").asLong(0),
                psc.has("fsGroup") ? psc.path("fsGroup").asLong() : null,
                either(sc, psc, "runAsNonRoot").asBoolean(false), sc.path("readOnlyRootFilesystem").asBoolean(false),
                sc.path("allowPrivilegeEscalation").asBoolean(true), List.copyOf(drop),
                either(sc, psc, "seccompProfile").path("type").asText("Unconfined"), List.copyOf(env), List.copyOf(envFrom),
                List.copyOf(mounts), text(c.path("resources").path("limits").path("memory")),
                text(c.path("resources").path("limits").path("cpu")),
                c.path("readinessProbe").path("httpGet").path("path").asText("/q/health/ready"));
    }

    /** The container's setting where it has one, else the pod's (Kubernetes' precedence). */
    private static JsonNode either(JsonNode container, JsonNode pod, String field) {
        return container.has(field) ? container.path(field) : pod.path(field);
    }

    private static String text(JsonNode n) {
        return n.isMissingNode() || n.isNull() ? null : n.asText();
    }
}
