package org.overfitguard.launcher.containers;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code podman create} arguments that run a pod template as Kubernetes would run it: the same
 * user and groups, read-only root filesystem (and no tmpfs podman would add on its own), dropped
 * capabilities, no privilege escalation, seccomp, memory and CPU limits, volumes at the same paths
 * and the same environment, with {@link LocalBindings} for what only a cluster has.
 *
 * <pre>
 *   create --name overfit-guard-smoke-trainer-service --network host --user 185:185 --group-add 185
 *          --read-only --read-only-tmpfs=false --cap-drop ALL --security-opt no-new-privileges
 *          --memory 4294967296 --cpus 2 -v HOST:/tmp -v HOST:/checkpoints ... -e K=V ... IMAGE
 * </pre>
 */
public final class PodmanCommand {

    public static final String NAME_PREFIX = "overfit-guard-smoke-";
    private static final Pattern QUANTITY = Pattern.compile("(\\d+(?:\\.\\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T|m)?");

    private PodmanCommand() {
    }

    public static String containerName(String service) {
        return NAME_PREFIX + service;
    }

    /** The arguments after {@code podman [--runtime R]}; {@code configMaps}: the rendered ConfigMaps' data. */
    public static List<String> create(PodTemplate t, Map<String, Map<String, String>> configMaps, LocalBindings b) {
        return create(t, containerName(t.service()), configMaps, b);
    }

    /** As {@link #create(PodTemplate, Map, LocalBindings)}, for a container named {@code name}. */
    public static List<String> create(PodTemplate t, String name, Map<String, Map<String, String>> configMaps, LocalBindings b) {
        if (t.runAsNonRoot() && t.runAsUser() == 0) {
            throw new IllegalArgumentException(t.service() + ": runAsNonRoot with runAsUser 0 would not start in Kubernetes");
        }
        List<String> a = new ArrayList<>(List.of("create", "--name", name, "--network", "host",
                "--label", "io.overfit-guard.smoke=" + t.service(), "--user", t.runAsUser() + ":" + t.runAsGroup()));
        if (t.fsGroup() != null) {
            a.addAll(List.of("--group-add", String.valueOf(t.fsGroup())));
        }
        if (t.readOnlyRootFilesystem()) {
            a.addAll(List.of("--read-only", "--read-only-tmpfs=false"));
        }
        for (String cap : t.dropCapabilities()) {
            a.addAll(List.of("--cap-drop", cap));
        }
        if (!t.allowPrivilegeEscalation()) {
            a.addAll(List.of("--security-opt", "no-new-privileges"));
        }
        if (!t.seccomp().equals("RuntimeDefault")) {
            a.addAll(List.of("--security-opt", "seccomp=unconfined"));
        }
        if (t.memoryLimit() != null) {
            a.addAll(List.of("--memory", String.valueOf(bytes(t.memoryLimit()))));
        }
        if (t.cpuLimit() != null) {
            // podman refuses more CPUs than the machine has, where Kubernetes would not schedule the pod
            BigDecimal cpus = new BigDecimal(cpus(t.cpuLimit())).min(BigDecimal.valueOf(Runtime.getRuntime().availableProcessors()));
            a.addAll(List.of("--cpus", cpus.stripTrailingZeros().toPlainString()));
        }
        for (String u : b.ulimits()) {
            a.addAll(List.of("--ulimit", u));
        }
        for (PodTemplate.Mount m : t.mounts()) {
            boolean readOnly = m.readOnly() || m.kind().equals("secret") || m.kind().equals("configMap");
            a.addAll(List.of("-v", b.hostPath(t.service(), m) + ":" + m.path() + (readOnly ? ":ro" : "")));
        }
        environment(t, configMaps, b).forEach((k, v) -> a.addAll(List.of("-e", k + "=" + v)));
        a.add(t.image());
        return a;
    }

    /** The container's environment: envFrom ConfigMaps, then env (which wins, as in Kubernetes), then the local extras. */
    static Map<String, String> environment(PodTemplate t, Map<String, Map<String, String>> configMaps, LocalBindings b) {
        Map<String, String> env = new LinkedHashMap<>();
        for (String cm : t.envFromConfigMaps()) {
            Map<String, String> data = configMaps.get(cm);
            if (data == null) {
                throw new IllegalArgumentException(t.service() + ": envFrom names ConfigMap " + cm + ", which is not in the manifests");
            }
            data.forEach((k, v) -> put(env, t.service(), k, v, b));
        }
        for (PodTemplate.EnvVar e : t.env()) {
            String value;
            if (e.value() != null) {
                value = e.value();
            } else if ("metadata.name".equals(e.fieldPath())) {
                value = LocalBindings.podName(t.service());
            } else if (e.configMap() != null) {
                value = configMaps.getOrDefault(e.configMap(), Map.of()).get(e.key());
            } else if (e.secret() != null) {
                // a Secret exists only in the cluster; LocalBindings says which variables go without one
                if (!b.leftOut(e.name())) {
                    throw new IllegalArgumentException(t.service() + ": " + e.name() + " comes from Secret " + e.secret()
                            + ", which has no local stand-in");
                }
                continue;
            } else {
                throw new IllegalArgumentException(t.service() + ": " + e.name() + " has a source with no local stand-in");
            }
            put(env, t.service(), e.name(), value, b);
        }
        env.putAll(b.extra(t.service()));
        return env;
    }

    private static void put(Map<String, String> env, String service, String name, String value, LocalBindings b) {
        b.override(service, name, value).ifPresentOrElse(v -> env.put(name, v), () -> env.remove(name));
    }

    /** A Kubernetes memory quantity in bytes: 4Gi, 768Mi, 1G, 500M, 1024. */
    static long bytes(String quantity) {
        Matcher m = match(quantity);
        BigDecimal n = new BigDecimal(m.group(1));
        long unit = switch (m.group(2) == null ? "" : m.group(2)) {
            case "" -> 1L;
            case "Ki" -> 1L << 10;
            case "Mi" -> 1L << 20;
            case "Gi" -> 1L << 30;
            case "Ti" -> 1L << 40;
            case "k" -> 1_000L;
            case "M" -> 1_000_000L;
            case "G" -> 1_000_000_000L;
            case "T" -> 1_000_000_000_000L;
            default -> throw new IllegalArgumentException("not a memory quantity: " + quantity);
        };
        return n.multiply(BigDecimal.valueOf(unit)).longValueExact();
    }

    /** A Kubernetes CPU quantity as podman's --cpus: 2, 1.5, 500m. */
    static String cpus(String quantity) {
        Matcher m = match(quantity);
        BigDecimal n = new BigDecimal(m.group(1));
        if ("m".equals(m.group(2))) {
            n = n.movePointLeft(3);
        } else if (m.group(2) != null) {
            throw new IllegalArgumentException("not a CPU quantity: " + quantity);
        }
        return n.stripTrailingZeros().toPlainString();
    }

    private static Matcher match(String quantity) {
        Matcher m = QUANTITY.matcher(quantity.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("not a Kubernetes quantity: " + quantity);
        }
        return m;
    }

    /** Every host directory the containers mount, for the caller to create with the right owner. */
    public static List<Path> hostDirectories(PodTemplate t, LocalBindings b) {
        return t.mounts().stream().map(m -> b.hostPath(t.service(), m)).toList();
    }
}
