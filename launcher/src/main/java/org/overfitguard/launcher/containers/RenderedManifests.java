package org.overfitguard.launcher.containers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A kustomization as {@code kubectl kustomize} renders it (the same command a user runs; $KUBECTL
 * or kubectl on the PATH): the pod templates of its Deployments and the data of its ConfigMaps.
 */
public record RenderedManifests(Map<String, PodTemplate> deployments, Map<String, Map<String, String>> configMaps) {

    public static RenderedManifests render(Path kustomization) throws IOException {
        return parse(renderYaml(kustomization));
    }

    /** The rendered YAML itself. */
    public static String renderYaml(Path kustomization) throws IOException {
        String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
        Path err = Files.createTempFile("kustomize-", ".err");
        try {
            Process p = new ProcessBuilder(kubectl, "kustomize", kustomization.toString()).redirectError(err.toFile()).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(90, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IOException(kubectl + " kustomize " + kustomization + " failed: " + Files.readString(err));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(err);
        }
    }

    /** From rendered YAML (documents separated by ---). */
    public static RenderedManifests parse(String yaml) throws IOException {
        Map<String, PodTemplate> deployments = new LinkedHashMap<>();
        Map<String, Map<String, String>> configMaps = new LinkedHashMap<>();
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(yaml)) {
            it.forEachRemaining(docs::add);
        }
        for (JsonNode d : docs) {
            String kind = d.path("kind").asText();
            String name = d.path("metadata").path("name").asText();
            if (kind.equals("Deployment")) {
                deployments.put(name, PodTemplate.of(d));
            } else if (kind.equals("ConfigMap")) {
                Map<String, String> data = new LinkedHashMap<>();
                d.path("data").fields().forEachRemaining(e -> data.put(e.getKey(), e.getValue().asText()));
                configMaps.put(name, data);
            }
        }
        return new RenderedManifests(deployments, configMaps);
    }

    public PodTemplate deployment(String name) {
        PodTemplate t = deployments.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no Deployment " + name + " in the manifests (have " + deployments.keySet() + ")");
        }
        return t;
    }
}
