package org.overfitguard.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.overfitguard.contracts.ServiceAccess;

/**
 * Every environment variable a manifest sets on a service container must mean something to that
 * service: either it is the Quarkus name of a key in the service's application.properties, or it is
 * on the allow-list below, each entry with the reader that consumes it. A typo (TRAINER_CHEKPOINT_ROOT)
 * would otherwise be ignored silently and the service would run on its default.
 */
final class EnvChecks {

    /**
     * KAFKA_<NAME>: Quarkus's Kafka extension hands every kafka.* property to every SmallRye Kafka
     * channel (and its health check), mapping the variable by lower-casing it and turning '_' into
     * '.'. So KAFKA_SASL_JAAS_CONFIG is the client setting sasl.jaas.config, and the name is real when
     * the Kafka client knows that setting.
     */
    static final Set<String> KAFKA_CLIENT_SETTINGS = kafkaClientSettings();

    /** Read by the images' entry point (k8s/images/entrypoint.sh), not by the service. */
    static final Set<String> JVM_LAUNCHER = Set.of("JAVA_OPTS_APPEND", "JAVA_MAX_RAM_PERCENTAGE", "LIBTORCH_FLAVOR",
            "LIBTORCH_VERSION");

    /**
     * Read by DJL, which only the trainer and the evaluator load: the cache for extracted natives
     * (ai.djl.util.Utils) and the libtorch selection (ai.djl.pytorch.jni.LibUtils).
     */
    static final Set<String> DJL = Set.of("DJL_CACHE_DIR", "ENGINE_CACHE_DIR",
            "PYTORCH_LIBRARY_PATH", "PYTORCH_FLAVOR", "PYTORCH_VERSION", "PYTORCH_PRECXX11");
    static final Set<String> DJL_SERVICES = Set.of(ServiceAccess.TRAINER, ServiceAccess.EVALUATOR);

    /** QUARKUS_*: Quarkus's own runtime configuration (quarkus.io/guides/all-config), valid in every service. */
    static final String QUARKUS_PREFIX = "QUARKUS_";

    /** Variables with instance ids must be unique per pod: the pod name (static group membership). */
    static final String INSTANCE_ID_SUFFIX = "_INSTANCE_ID";

    private EnvChecks() {
    }

    private static Set<String> kafkaClientSettings() {
        Set<String> names = new TreeSet<>();
        names.addAll(ProducerConfig.configNames());
        names.addAll(ConsumerConfig.configNames());
        names.addAll(AdminClientConfig.configNames());
        return names;
    }

    /** Why {@code name} is allowed on {@code service}, or null when it is not. */
    static String reason(String service, ServiceConfig config, String name) {
        if (config.envNames().contains(name)) {
            return "application.properties";
        }
        if (name.startsWith("KAFKA_")
                && KAFKA_CLIENT_SETTINGS.contains(name.substring("KAFKA_".length()).toLowerCase(Locale.ROOT).replace('_', '.'))) {
            return "Kafka client setting";
        }
        if (JVM_LAUNCHER.contains(name)) {
            return "JVM launcher";
        }
        if (DJL.contains(name) && DJL_SERVICES.contains(service)) {
            return "DJL";
        }
        if (name.startsWith(QUARKUS_PREFIX)) {
            return "Quarkus";
        }
        return null;
    }

    static List<String> environment(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (JsonNode secret : m.ofKind("Secret")) {
            problems.add("Secret " + Manifests.name(secret) + " is written in a manifest: credentials come from the User Operator (KafkaUser)");
        }
        for (JsonNode d : m.ofKind("Deployment")) {
            String service = Manifests.name(d);
            if (!ServiceAccess.SERVICES.contains(service)) {
                continue; // reported by Workloads.deployments
            }
            ServiceConfig config = ServiceConfig.of(service);
            for (JsonNode c : Manifests.podSpec(d).path("containers")) {
                String who = service + "/" + c.path("name").asText();
                for (JsonNode from : c.path("envFrom")) {
                    if (from.has("secretRef")) {
                        problems.add(who + ": envFrom secretRef exposes a whole Secret; reference single keys with secretKeyRef");
                    }
                    String cm = from.path("configMapRef").path("name").asText(null);
                    if (cm == null) {
                        continue;
                    }
                    JsonNode map = m.find("ConfigMap", cm).orElse(null);
                    if (map == null) {
                        problems.add(who + ": envFrom names ConfigMap " + cm + ", which is not in the render");
                        continue;
                    }
                    map.path("data").fieldNames().forEachRemaining(key -> {
                        String name = from.path("prefix").asText("") + key;
                        if (reason(service, config, name) == null) {
                            problems.add(who + ": " + name + " (from ConfigMap " + cm + ") maps to no configuration key of " + service);
                        }
                        problems.addAll(pathOnVolume(who, name, map.path("data").path(key).asText(), c));
                    });
                }
                for (JsonNode e : c.path("env")) {
                    problems.addAll(variable(who, service, config, e, c));
                }
            }
        }
        return problems;
    }

    private static List<String> variable(String who, String service, ServiceConfig config, JsonNode e, JsonNode container) {
        List<String> problems = new ArrayList<>();
        String name = e.path("name").asText();
        if (reason(service, config, name) == null) {
            problems.add(who + ": " + name + " maps to no configuration key of " + service
                    + " (application.properties, Kafka client settings, JVM launcher, DJL, QUARKUS_*)");
        }
        boolean credential = name.contains("JAAS") || name.contains("PASSWORD") || name.contains("SECRET");
        JsonNode secretRef = e.path("valueFrom").path("secretKeyRef");
        if (credential && !e.path("valueFrom").has("secretKeyRef")) {
            problems.add(who + ": " + name + " is a credential and must come from a Secret (secretKeyRef), not a literal");
        }
        if (!secretRef.isMissingNode()) {
            // the User Operator names the Secret like the KafkaUser: a service reads its own credentials only
            if (!service.equals(secretRef.path("name").asText())) {
                problems.add(who + ": " + name + " reads Secret " + secretRef.path("name").asText() + "; a service may only read its own KafkaUser's Secret " + service);
            }
            if (name.equals("KAFKA_SASL_JAAS_CONFIG") && !"sasl.jaas.config".equals(secretRef.path("key").asText())) {
                problems.add(who + ": KAFKA_SASL_JAAS_CONFIG must read key sasl.jaas.config of the KafkaUser Secret");
            }
        }
        if (name.endsWith(INSTANCE_ID_SUFFIX) && !"metadata.name".equals(e.path("valueFrom").path("fieldRef").path("fieldPath").asText())) {
            problems.add(who + ": " + name + " must be the pod name (valueFrom.fieldRef metadata.name): it is the Kafka static group member id");
        }
        problems.addAll(pathOnVolume(who, name, e.path("value").asText(""), container));
        return problems;
    }

    /** Variables naming directories the service writes to: their volume must not be mounted read-only. */
    static final Set<String> WRITTEN_PATHS = Set.of("TRAINER_CHECKPOINT_ROOT", "DJL_CACHE_DIR", "ENGINE_CACHE_DIR");

    /**
     * A value that is an absolute path must lie on a volume of the container: with a read-only root
     * filesystem, files the image does not carry can only be there. Paths inside the image (libtorch
     * of the GPU image) are set in the image, not in manifests.
     */
    private static List<String> pathOnVolume(String who, String name, String value, JsonNode container) {
        if (!value.startsWith("/") || value.contains(" ")) {
            return List.of();
        }
        JsonNode mount = null;
        for (JsonNode v : container.path("volumeMounts")) {
            String at = v.path("mountPath").asText();
            if (value.equals(at) || value.startsWith(at.endsWith("/") ? at : at + "/")) {
                mount = v;
            }
        }
        if (mount == null) {
            return List.of(who + ": " + name + "=" + value + " is a path on no volume (the root filesystem is read-only)");
        }
        if (WRITTEN_PATHS.contains(name) && mount.path("readOnly").asBoolean(false)) {
            return List.of(who + ": " + name + "=" + value + " is written by the service, but its volume is mounted read-only");
        }
        return List.of();
    }
}
