package org.overfitguard.k8s;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Renders a kustomization with {@code kubectl kustomize} (a real process, the same command a user runs) and
 * parses every document. Renders are cached per directory: every test class sees the same documents.
 * The kubectl binary is $KUBECTL, else kubectl on the PATH.
 */
final class Kustomize {

    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Map<String, Manifests> CACHE = new ConcurrentHashMap<>();

    private Kustomize() {
    }

    /** The repository root: the k8s module's parent. */
    static Path root() {
        return Path.of(System.getProperty("overfitguard.root", "..")).toAbsolutePath().normalize();
    }

    /** The rendered overlay k8s/overlays/{@code name}. */
    static Manifests overlay(String name) {
        return render("k8s/overlays/" + name);
    }

    /** The rendered kustomization at {@code dir}, relative to the repository root. */
    static Manifests render(String dir) {
        return CACHE.computeIfAbsent(dir, d -> new Manifests(d, parse(run(d))));
    }

    private static String run(String dir) {
        Path path = root().resolve(dir);
        if (!Files.isRegularFile(path.resolve("kustomization.yaml"))) {
            fail("no kustomization.yaml in " + path);
        }
        String kubectl = System.getenv().getOrDefault("KUBECTL", "kubectl");
        try {
            Path err = Files.createTempFile("kustomize-", ".err");
            try {
                Process p = new ProcessBuilder(kubectl, "kustomize", path.toString())
                        .redirectError(err.toFile()).start();
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(90, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    fail("kubectl kustomize " + dir + " did not finish within 90 s");
                }
                if (p.exitValue() != 0) {
                    fail("kubectl kustomize " + dir + " failed (exit " + p.exitValue() + "):\n" + Files.readString(err));
                }
                return new String(out, StandardCharsets.UTF_8);
            } finally {
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            // not a skip: the overlays must render, and a missing tool must be visible
            return fail("cannot run '" + kubectl + " kustomize' (" + e.getMessage() + "). Install kubectl with "
                    + "scripts/install-test-tools.sh (Debian's kubernetes-client), or point $KUBECTL at one.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while rendering " + dir, e);
        }
    }

    static List<JsonNode> parse(String yaml) {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(yaml)) {
            while (it.hasNext()) {
                JsonNode doc = it.next();
                if (doc != null && doc.isObject() && !doc.isEmpty()) {
                    docs.add(doc);
                }
            }
        } catch (IOException e) {
            fail("rendered output is not YAML: " + e.getMessage(), e);
        }
        return docs;
    }
}
