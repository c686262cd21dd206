package org.overfitguard.launcher.containers;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What stands in, on one machine, for the parts of a cluster the manifests refer to; everything else
 * comes from the manifests as they are.
 * <ul>
 *   <li>Kafka: the embedded broker has one plaintext listener, so every {@code KAFKA_*} variable keeps
 *       its name and gets {@code bootstrapServers} and PLAINTEXT; the SASL and TLS ones (and the
 *       Secret of the SCRAM credentials) are left out.</li>
 *   <li>Who may write: no OIDC provider; trainer-service verifies the local tokens with
 *       {@code oidcPublicKey} (as {@code ./ensemble} does) instead of the issuer URL.</li>
 *   <li>The pod name ({@code fieldRef metadata.name}) is {@code <service>-0}.</li>
 *   <li>Host networking: each service listens on 127.0.0.1 at {@code ports} (free ones, so nothing
 *       else on the machine is in the way), and the dashboard links to trainer-service there.</li>
 *   <li>Volumes under {@code volumes}: an emptyDir is a directory per service (kept while the
 *       container is restarted, as a pod's), a claim a directory shared by every service that mounts
 *       it (ReadWriteMany), a Secret volume an empty read-only directory (no Kafka CA here).</li>
 *   <li>{@code ulimits}: podman's own defaults for root exceed what some sandboxes allow; Kubernetes
 *       sets none, so any that start the JVM will do.</li>
 * </ul>
 */
public record LocalBindings(String bootstrapServers, Map<String, Integer> ports, Path volumes, String oidcPublicKey,
                            List<String> ulimits) {

    /** The value the variable {@code name} of {@code service} takes here; empty: leave it out. */
    Optional<String> override(String service, String name, String manifestValue) {
        if (name.equals("KAFKA_BOOTSTRAP_SERVERS")) {
            return Optional.of(bootstrapServers);
        }
        if (name.equals("KAFKA_SECURITY_PROTOCOL")) {
            return Optional.of("PLAINTEXT");
        }
        return leftOut(name) ? Optional.empty() : Optional.ofNullable(manifestValue);
    }

    /** Variables that have no meaning here: the broker's SASL and TLS settings, the OIDC issuer. */
    boolean leftOut(String name) {
        return name.startsWith("KAFKA_SASL_") || name.startsWith("KAFKA_SSL_") || name.equals("QUARKUS_OIDC_AUTH_SERVER_URL");
    }

    /** Variables only this machine needs, added after the manifests' ones. */
    Map<String, String> extra(String service) {
        Map<String, String> extra = new LinkedHashMap<>();
        extra.put("QUARKUS_HTTP_HOST", "127.0.0.1");
        extra.put("QUARKUS_HTTP_PORT", String.valueOf(port(service)));
        switch (service) {
            case "trainer-service" -> extra.put("QUARKUS_OIDC_PUBLIC_KEY", oidcPublicKey);
            case "monitor-service" -> extra.put("MONITOR_TRAINER_URL", "http://localhost:" + port("trainer-service"));
            default -> {
            }
        }
        return extra;
    }

    int port(String service) {
        Integer p = ports.get(service);
        if (p == null) {
            throw new IllegalArgumentException("no port bound for " + service);
        }
        return p;
    }

    /** The pod name a fieldRef metadata.name reads. */
    static String podName(String service) {
        return service + "-0";
    }

    /** The host directory behind a mount of {@code service}. */
    Path hostPath(String service, PodTemplate.Mount m) {
        return switch (m.kind()) {
            case "persistentVolumeClaim" -> volumes.resolve("claims").resolve(m.source());
            case "emptyDir", "secret", "configMap" -> volumes.resolve(service).resolve(m.volume());
            default -> throw new IllegalArgumentException(service + ": volume " + m.volume() + " is a " + m.kind()
                    + ", which has no local stand-in (emptyDir, persistentVolumeClaim, secret and configMap have)");
        };
    }
}
