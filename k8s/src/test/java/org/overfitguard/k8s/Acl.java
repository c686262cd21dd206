package org.overfitguard.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.TreeSet;
import org.overfitguard.contracts.ServiceAccess;

/**
 * One allowed operation on one Kafka resource, the unit in which a KafkaUser's ACLs and a service's
 * {@link ServiceAccess.Access} are compared.
 *
 * @param type      topic, group, transactionalId or cluster (Strimzi's names)
 * @param name      resource name or prefix; "*" (literal) is every resource of the type
 * @param pattern   literal or prefix
 * @param operation Read, Write, Describe, Create, Delete, DescribeConfigs, ...
 */
record Acl(String type, String name, String pattern, String operation) implements Comparable<Acl> {

    @Override
    public int compareTo(Acl o) {
        return toString().compareTo(o.toString());
    }

    @Override
    public String toString() {
        return operation + " on " + type + " " + ("prefix".equals(pattern) ? name + "*" : "'" + name + "'");
    }

    /** Whether this ACL allows {@code op} on the topic named {@code topic} (literal, prefix or *). */
    boolean allowsOnTopic(String topic, String op) {
        if (!"topic".equals(type) || !operation.equals(op)) {
            return false;
        }
        return "prefix".equals(pattern) ? topic.startsWith(name) : name.equals(topic) || name.equals("*");
    }

    /**
     * What a service needs, derived from its ServiceAccess entry: reading a topic takes Read and
     * Describe, writing Write and Describe (idempotent producers need no cluster ACL since Kafka 3.0),
     * creating and deleting per-run topics Create, Delete and DescribeConfigs on the prefix, a consumer
     * group Read, a transactional id Write and Describe; reading other groups' lag Describe on every
     * group and topic.
     */
    static Set<Acl> expected(ServiceAccess.Access a) {
        Set<Acl> acls = new TreeSet<>();
        a.reads().forEach(t -> add(acls, "topic", t, "literal", "Read", "Describe"));
        a.writes().forEach(t -> add(acls, "topic", t, "literal", "Write", "Describe"));
        a.readPrefixes().forEach(p -> add(acls, "topic", p, "prefix", "Read", "Describe"));
        a.writePrefixes().forEach(p -> add(acls, "topic", p, "prefix", "Write", "Describe"));
        a.managePrefixes().forEach(p -> add(acls, "topic", p, "prefix", "Create", "Delete", "DescribeConfigs"));
        a.groups().forEach(g -> add(acls, "group", g, "literal", "Read"));
        a.transactionalIds().forEach(t -> add(acls, "transactionalId", t, "prefix", "Write", "Describe"));
        if (a.describesGroups()) {
            add(acls, "group", "*", "literal", "Describe");
            add(acls, "topic", "*", "literal", "Describe");
        }
        return acls;
    }

    /**
     * The ACLs of a KafkaUser, one per operation. Deny rules and host restrictions are returned as
     * problems by {@link KafkaChecks}, not here.
     */
    static Set<Acl> of(JsonNode kafkaUser) {
        Set<Acl> acls = new TreeSet<>();
        for (JsonNode rule : kafkaUser.path("spec").path("authorization").path("acls")) {
            JsonNode r = rule.path("resource");
            String type = r.path("type").asText();
            String name = "cluster".equals(type) ? "kafka-cluster" : r.path("name").asText();
            String pattern = r.path("patternType").asText("literal");
            for (JsonNode op : rule.path("operations")) {
                acls.add(new Acl(type, name, pattern, op.asText()));
            }
            if (rule.has("operation")) { // the form v1 removed; still counted so it cannot hide a grant
                acls.add(new Acl(type, name, pattern, rule.path("operation").asText()));
            }
        }
        return acls;
    }

    private static void add(Set<Acl> acls, String type, String name, String pattern, String... operations) {
        for (String op : operations) {
            acls.add(new Acl(type, name, pattern, op));
        }
    }
}
