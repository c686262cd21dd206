package org.overfitguard.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.overfitguard.contracts.ServiceAccess;
import org.overfitguard.contracts.Topics;

/**
 * Checks of the Kafka side of a render: each KafkaUser's ACLs against ServiceAccess, the KafkaTopics
 * against Topics and the services' channel configuration, and the shape of the cluster. Each method
 * returns the problems it found, worded for the person who has to fix them; empty means fine.
 */
final class KafkaChecks {

    private KafkaChecks() {
    }

    /** One KafkaUser per service, on this cluster, authenticated, with exactly the ACLs ServiceAccess implies. */
    static List<String> users(Manifests m) {
        List<String> problems = new ArrayList<>();
        String cluster = Manifests.name(m.kafka());
        for (JsonNode user : m.ofKind("KafkaUser")) {
            String name = Manifests.name(user);
            if (!ServiceAccess.BY_SERVICE.containsKey(name)) {
                problems.add("KafkaUser " + name + " is no service of ServiceAccess.SERVICES " + ServiceAccess.SERVICES);
            }
        }
        for (String service : ServiceAccess.SERVICES) {
            JsonNode user = m.find("KafkaUser", service).orElse(null);
            if (user == null) {
                problems.add("no KafkaUser " + service + ": the service would have no credentials and no ACLs");
                continue;
            }
            if (!cluster.equals(user.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
                problems.add("KafkaUser " + service + " must carry label strimzi.io/cluster: " + cluster);
            }
            String auth = user.path("spec").path("authentication").path("type").asText();
            if (!Set.of("scram-sha-512", "tls").contains(auth)) {
                problems.add("KafkaUser " + service + " authentication must be scram-sha-512 or tls, was '" + auth + "'");
            }
            if (!"simple".equals(user.path("spec").path("authorization").path("type").asText())) {
                problems.add("KafkaUser " + service + " authorization must be type simple (ACLs)");
            }
            for (JsonNode rule : user.path("spec").path("authorization").path("acls")) {
                if (!"allow".equals(rule.path("type").asText("allow")) || !"*".equals(rule.path("host").asText("*"))) {
                    problems.add("KafkaUser " + service + ": only allow rules from any host are derived from ServiceAccess, found " + rule);
                }
            }
            Set<Acl> expected = Acl.expected(ServiceAccess.BY_SERVICE.get(service));
            Set<Acl> actual = Acl.of(user);
            Set<Acl> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            Set<Acl> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            if (!missing.isEmpty()) {
                problems.add("KafkaUser " + service + " lacks what ServiceAccess says it uses: " + missing);
            }
            if (!extra.isEmpty()) {
                problems.add("KafkaUser " + service + " grants more than ServiceAccess says it uses: " + extra);
            }
        }
        return problems;
    }

    /**
     * Every static topic (Topics.STATIC and every topic a service reads or writes) is a KafkaTopic of
     * this cluster with Topics.STATIC_PARTITIONS partitions and a retention; no other KafkaTopic; and
     * every topic a service's channel configuration names is a KafkaTopic or under a prefix its
     * KafkaUser covers, with the operation the channel needs.
     */
    static List<String> topics(Manifests m) {
        List<String> problems = new ArrayList<>();
        String cluster = Manifests.name(m.kafka());
        Map<String, JsonNode> byTopic = new java.util.TreeMap<>();
        for (JsonNode t : m.ofKind("KafkaTopic")) {
            byTopic.put(t.path("spec").path("topicName").asText(Manifests.name(t)), t);
        }
        Set<String> used = new LinkedHashSet<>(Topics.STATIC);
        ServiceAccess.BY_SERVICE.values().forEach(a -> {
            used.addAll(a.reads());
            used.addAll(a.writes());
        });
        for (String topic : used) {
            JsonNode t = byTopic.get(topic);
            if (t == null) {
                problems.add("static topic '" + topic + "' has no KafkaTopic (auto.create.topics.enable is off)");
                continue;
            }
            int partitions = t.path("spec").path("partitions").asInt(-1);
            if (partitions != Topics.STATIC_PARTITIONS) {
                problems.add("KafkaTopic " + topic + " must have Topics.STATIC_PARTITIONS = " + Topics.STATIC_PARTITIONS
                        + " partitions, has " + partitions);
            }
            if (!t.path("spec").path("config").has("retention.ms")) {
                problems.add("KafkaTopic " + topic + " must state its retention.ms");
            }
            if (!cluster.equals(t.path("metadata").path("labels").path("strimzi.io/cluster").asText())) {
                problems.add("KafkaTopic " + topic + " must carry label strimzi.io/cluster: " + cluster);
            }
        }
        for (String topic : byTopic.keySet()) {
            if (!used.contains(topic)) {
                problems.add("KafkaTopic " + topic + " is not a topic of Topics.STATIC or ServiceAccess");
            }
        }
        for (String service : ServiceAccess.SERVICES) {
            Set<Acl> granted = m.find("KafkaUser", service).map(Acl::of).orElse(Set.of());
            ServiceConfig config = ServiceConfig.of(service);
            config.channelTopics().forEach((topic, operations) -> {
                if (!byTopic.containsKey(topic) && granted.stream().noneMatch(a -> "prefix".equals(a.pattern()) && a.allowsOnTopic(topic, a.operation()))) {
                    problems.add(service + "'s configuration names topic '" + topic + "', which is neither a KafkaTopic nor under a prefix of its ACLs");
                }
                for (String op : operations) {
                    if (granted.stream().noneMatch(a -> a.allowsOnTopic(topic, op))) {
                        problems.add(service + "'s configuration needs " + op + " on topic '" + topic + "', which its KafkaUser does not grant");
                    }
                }
            });
        }
        return problems;
    }

    /** The KRaft cluster: v1 API, node pools of this cluster, simple authorization, a node pool with both roles. */
    static List<String> cluster(Manifests m) {
        List<String> problems = new ArrayList<>();
        JsonNode kafka = m.kafka();
        String name = Manifests.name(kafka);
        if (!"kafka.strimzi.io/v1".equals(kafka.path("apiVersion").asText())) {
            problems.add("Kafka " + name + " must use the current Strimzi API kafka.strimzi.io/v1, was " + kafka.path("apiVersion").asText());
        }
        JsonNode annotations = kafka.path("metadata").path("annotations");
        for (String a : List.of("strimzi.io/kraft", "strimzi.io/node-pools")) {
            if (!"enabled".equals(annotations.path(a).asText())) {
                problems.add("Kafka " + name + " must be annotated " + a + ": enabled");
            }
        }
        if (kafka.path("spec").has("zookeeper")) {
            problems.add("Kafka " + name + " is KRaft only: no spec.zookeeper");
        }
        if (!"simple".equals(kafka.path("spec").path("kafka").path("authorization").path("type").asText())) {
            problems.add("Kafka " + name + " must enforce the KafkaUsers' ACLs: spec.kafka.authorization.type simple");
        }
        if (pools(m).isEmpty()) {
            problems.add("no KafkaNodePool labelled strimzi.io/cluster: " + name);
        }
        for (JsonNode pool : m.ofKind("KafkaNodePool")) {
            if (!"kafka.strimzi.io/v1".equals(pool.path("apiVersion").asText())) {
                problems.add("KafkaNodePool " + Manifests.name(pool) + " must use kafka.strimzi.io/v1");
            }
        }
        if (nodes(m, "controller") < 1 || nodes(m, "broker") < 1) {
            problems.add("Kafka " + name + " needs at least one controller and one broker node");
        }
        return problems;
    }

    static List<JsonNode> pools(Manifests m) {
        String cluster = Manifests.name(m.kafka());
        return m.ofKind("KafkaNodePool").stream()
                .filter(p -> cluster.equals(p.path("metadata").path("labels").path("strimzi.io/cluster").asText())).toList();
    }

    /** The number of nodes with a role (broker or controller) over all node pools of the cluster. */
    static int nodes(Manifests m, String role) {
        int n = 0;
        for (JsonNode pool : pools(m)) {
            for (JsonNode r : pool.path("spec").path("roles")) {
                if (role.equals(r.asText())) {
                    n += pool.path("spec").path("replicas").asInt();
                }
            }
        }
        return n;
    }

    /** The storage types of every volume of every node pool (jbod is looked into). */
    static Set<String> storageTypes(Manifests m) {
        Set<String> types = new TreeSet<>();
        for (JsonNode pool : pools(m)) {
            JsonNode storage = pool.path("spec").path("storage");
            if ("jbod".equals(storage.path("type").asText())) {
                storage.path("volumes").forEach(v -> types.add(v.path("type").asText()));
            } else {
                types.add(storage.path("type").asText());
            }
        }
        return types;
    }

    static String config(Manifests m, String key) {
        return m.kafka().path("spec").path("kafka").path("config").path(key).asText("");
    }

    /** Every listener encrypts and authenticates (TLS, and SCRAM-SHA-512 or mutual TLS). */
    static List<String> listenersSecure(Manifests m) {
        List<String> problems = new ArrayList<>();
        JsonNode listeners = m.kafka().path("spec").path("kafka").path("listeners");
        if (listeners.isEmpty()) {
            problems.add("Kafka has no listeners");
        }
        for (JsonNode l : listeners) {
            String auth = l.path("authentication").path("type").asText("none");
            if (!l.path("tls").asBoolean(false) || !Set.of("scram-sha-512", "tls").contains(auth)) {
                problems.add("listener " + l.path("name").asText() + " on port " + l.path("port").asInt()
                        + " must use tls: true with authentication scram-sha-512 or tls, has tls: " + l.path("tls").asBoolean(false)
                        + ", authentication: " + auth);
            }
        }
        return problems;
    }

    /**
     * The services' client settings (the kafka-client ConfigMap) fit a listener of the cluster: the
     * bootstrap address is the cluster's bootstrap Service at a listener's port, and the security
     * protocol and SASL mechanism are what that listener asks for.
     */
    static List<String> clientsMatchListener(Manifests m) {
        List<String> problems = new ArrayList<>();
        String cluster = Manifests.name(m.kafka());
        for (JsonNode d : m.ofKind("Deployment")) {
            Map<String, String> env = Workloads.effectiveEnv(m, d);
            String bootstrap = env.getOrDefault("KAFKA_BOOTSTRAP_SERVERS", "");
            String who = Manifests.name(d);
            if (!bootstrap.startsWith(cluster + "-kafka-bootstrap:")) {
                problems.add(who + ": KAFKA_BOOTSTRAP_SERVERS must be " + cluster + "-kafka-bootstrap:<listener port>, was '" + bootstrap + "'");
                continue;
            }
            int port = Integer.parseInt(bootstrap.substring(bootstrap.indexOf(':') + 1));
            JsonNode listener = null;
            for (JsonNode l : m.kafka().path("spec").path("kafka").path("listeners")) {
                if (l.path("port").asInt() == port) {
                    listener = l;
                }
            }
            if (listener == null) {
                problems.add(who + ": no listener on port " + port + " of Kafka " + cluster);
                continue;
            }
            boolean tls = listener.path("tls").asBoolean(false);
            String auth = listener.path("authentication").path("type").asText("none");
            String protocol = env.getOrDefault("KAFKA_SECURITY_PROTOCOL", "PLAINTEXT");
            String wanted = switch (auth) {
                case "scram-sha-512" -> tls ? "SASL_SSL" : "SASL_PLAINTEXT";
                case "tls" -> "SSL";
                default -> tls ? "SSL" : "PLAINTEXT";
            };
            if (!wanted.equals(protocol)) {
                problems.add(who + ": listener " + listener.path("name").asText() + " needs KAFKA_SECURITY_PROTOCOL " + wanted + ", was " + protocol);
            }
            if ("scram-sha-512".equals(auth) && !"SCRAM-SHA-512".equals(env.get("KAFKA_SASL_MECHANISM"))) {
                problems.add(who + ": listener " + listener.path("name").asText() + " needs KAFKA_SASL_MECHANISM SCRAM-SHA-512");
            }
        }
        return problems;
    }
}
