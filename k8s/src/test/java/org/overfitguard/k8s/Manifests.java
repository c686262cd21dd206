package org.overfitguard.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The documents of one render, looked up by kind and name. {@link #copy()} gives a private copy to doctor. */
record Manifests(String source, List<JsonNode> docs) {

    List<JsonNode> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).toList();
    }

    Optional<JsonNode> find(String kind, String name) {
        return ofKind(kind).stream().filter(d -> name.equals(name(d))).findFirst();
    }

    /** The named document as an editable object; throws when missing (a test doctoring a document expects it). */
    ObjectNode get(String kind, String name) {
        return (ObjectNode) find(kind, name).orElseThrow(() -> new AssertionError(kind + " " + name + " not in " + source));
    }

    Manifests copy() {
        List<JsonNode> copies = new ArrayList<>();
        docs.forEach(d -> copies.add(d.deepCopy()));
        return new Manifests(source + " (doctored)", copies);
    }

    /** The single Kafka cluster of the render. */
    JsonNode kafka() {
        List<JsonNode> kafkas = ofKind("Kafka");
        if (kafkas.size() != 1) {
            throw new AssertionError("expected exactly one Kafka in " + source + ", found " + kafkas.size());
        }
        return kafkas.get(0);
    }

    static String name(JsonNode doc) {
        return doc.path("metadata").path("name").asText();
    }

    static String id(JsonNode doc) {
        return doc.path("kind").asText() + " " + name(doc);
    }

    /** The pod spec of a Deployment. */
    static JsonNode podSpec(JsonNode deployment) {
        return deployment.path("spec").path("template").path("spec");
    }
}
