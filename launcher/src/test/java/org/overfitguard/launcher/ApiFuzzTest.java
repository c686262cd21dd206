package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.testing.Gen;
import org.overfitguard.testing.Tries;

/**
 * Generated-input fuzzing of the REST APIs of the real trainer-service and monitor-service (their
 * jars as processes, the real broker, real HTTP): well over 10,000 bodies per run, random JSON and
 * YAML, mutated valid specs, huge, deep, duplicate-key, trailing-garbage, wrong-type, unicode and
 * NUL bodies, and sweep grids. None may be answered 5xx; every 400 names fields that exist; a value
 * the docs call invalid is never accepted; the services stay live and their heap bounded. Plain
 * JUnit 5 with seeded generators ({@link Gen}, {@link Tries}): a failure names the seed that replays it.
 */
class ApiFuzzTest {

    private static LocalEnsemble ensemble;
    // HTTP/1.1 as curl speaks it: over h2c a 413 ends the connection (GOAWAY), and a POST is not retried on another
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Set<String> FIELDS = specPaths();
    private static final AtomicInteger SENT = new AtomicInteger();
    private static final Map<Integer, AtomicInteger> STATUSES = new java.util.concurrent.ConcurrentHashMap<>();
    private static final long SEED = Tries.seed();

    @BeforeAll
    static void start() throws IOException {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path workdir = Files.createTempDirectory("fuzz-ensemble-");
        ensemble = new LocalEnsemble(new Layout(repo), workdir, LocalEnsemble.Ports.free(), Files.createDirectories(workdir.resolve("data")));
        ensemble.start(List.of("trainer-service", "monitor-service"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            long heap = heapUsed("trainer-service");
            System.out.printf(Locale.ROOT, "[fuzz] seed %d: %d requests, statuses %s; trainer heap in use afterwards %d MiB%n", SEED,
                    SENT.get(), new java.util.TreeMap<>(STATUSES), heap >> 20);
            assertTrue(SENT.get() >= 10_000, "at least 10,000 requests, was " + SENT.get());
            assertTrue(heap < 1536L << 20, "trainer heap bounded, was " + (heap >> 20) + " MiB");
            for (String s : List.of("trainer-service", "monitor-service")) {
                assertEquals(200, get(ensemble.url(s, "/q/health/live")).statusCode(), s + " is still live");
            }
        } finally {
            ensemble.close();
        }
    }

    // --- trainer-service: POST /runs -------------------------------------------------------------

    @Test
    void postRunsNeverAnswers5xxAndEvery400NamesRealFields() {
        Tries.run("POST /runs", SEED, 3600, random -> {
            String body = bodies().next(random);
            HttpResponse<String> r = post("/runs", contentTypes().next(random), body, ensemble.token());
            check(r, body);
        });
    }

    /** Values the README and the validator call invalid are refused, naming the field. */
    @Test
    void aDocumentedlyInvalidValueIsNeverAccepted() {
        Tries.run("an invalid value", SEED, 1500, random -> invalidValueRefused(invalidValues().next(random), contentTypes().next(random)));
    }

    private static void invalidValueRefused(Map.Entry<String, Object> invalid, String type) {
        Object tree = nested(invalid.getKey(), invalid.getValue());
        String body = type.contains("yaml") ? yaml(tree) : Json.write(tree);
        HttpResponse<String> r = post("/runs", type.startsWith("application/json;") ? "application/json" : type, body, ensemble.token());
        if (r.statusCode() == 415) {
            return; // not JSON nor YAML: refused before it is read, which also accepts nothing
        }
        assertEquals(400, r.statusCode(), body + " -> " + r.body());
        assertTrue(r.body().contains("\"field\":\"" + invalid.getKey() + "\""), body + " -> " + r.body());
    }

    // --- trainer-service: POST /sweeps -----------------------------------------------------------

    @Test
    void postSweepsNeverAnswers5xx() {
        Tries.run("POST /sweeps", SEED, 1500, random -> {
            String grid = grids().next(random);
            String body = bodies().next(random);
            HttpResponse<String> r = post("/sweeps?grid=" + URLEncoder.encode(grid, StandardCharsets.UTF_8), "application/yaml", body,
                    ensemble.token());
            check(r, grid + " | " + body);
        });
    }

    // --- trainer-service: POST /runs/{id}/generate and /runs/{id}/export ------------------------------

    static final Set<String> GENERATE_FIELDS = Set.of("prompt", "max_tokens", "temperature", "top_k", "seed", "step", "(body)");

    /** The body is read before the run is looked up, so an unknown run still exercises the whole parser. */
    @Test
    void generateAndExportNeverAnswer5xx() {
        Tries.run("generate and export", SEED, 1000, random -> generateAndExport(generateBodies().next(random), modelRunIds().next(random)));
    }

    private static void generateAndExport(String body, String id) {
        HttpResponse<String> r = post("/runs/" + id + "/generate", "application/json", body, ensemble.token());
        if (r != null) {
            String shown = body.length() > 300 ? body.substring(0, 300) + "..." : body;
            assertTrue(r.statusCode() < 500, "5xx for generate " + shown + ": " + r.statusCode() + " " + r.body());
            if (r.statusCode() == 400) {
                JsonNode answer = readJson(r.body(), shown);
                assertTrue(answer.path("fields").size() > 0, "a 400 lists fields: " + r.body());
                for (JsonNode f : answer.path("fields")) {
                    String field = f.path("field").asText();
                    boolean unknownSent = f.path("allowed").asText().startsWith("one of the known fields") && field.length() <= 200
                            && field.codePoints().noneMatch(Character::isISOControl);
                    assertTrue(GENERATE_FIELDS.contains(field) || unknownSent, "a generate 400 names '" + field + "' for " + shown);
                    assertFalse(f.path("message").asText().isBlank(), r.body());
                }
            } else {
                assertTrue(Set.of(404, 413).contains(r.statusCode()), "unexpected " + r.statusCode() + " for generate " + shown);
            }
        }
        String step = URLEncoder.encode(body.length() > 40 ? body.substring(0, 40) : body, StandardCharsets.UTF_8);
        HttpResponse<String> e = post("/runs/" + id + "/export?step=" + step, "application/json", "", ensemble.token());
        assertTrue(e.statusCode() < 500, "5xx for export ?step=" + step + ": " + e.statusCode() + " " + e.body());
    }

    static Gen<String> generateBodies() {
        Gen<String> keys = Gen.oneOf(Gen.of("prompt", "max_tokens", "temperature", "top_k", "seed", "step"), Gen.strings(12));
        Gen<String> structured = Gen.maps(keys, oddValues(), 6).map(Json::write);
        return Gen.oneOf(structured, structured, bodies());
    }

    static Gen<String> modelRunIds() {
        return Gen.oneOf(Gen.strings("abcdefghijklmnopqrstuvwxyz0123456789-", 1, 40).map(s -> "run-" + s),
                Gen.of("%2e%2e", "run-x%2Fy", "a".repeat(300), "%00"));
    }

    // --- monitor-service and the read side -------------------------------------------------------

    @Test
    void readEndpointsNeverAnswer5xx() {
        Tries.run("the read side", SEED, 1200, random -> readEndpoint(paths().next(random), methods().next(random)));
    }

    private static void readEndpoint(String path, String method) {
        for (String service : List.of("monitor-service", "trainer-service")) {
            // a lone '%' cannot be sent at all: the client refuses such a URI
            URI uri = URI.create(ensemble.url(service, "") + path.replaceAll("%(?![0-9A-Fa-f]{2})", "%25"));
            boolean withBody = method.equals("POST") || method.equals("PUT") || method.equals("PATCH");
            HttpResponse<String> r = send(HttpRequest.newBuilder(uri).header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30)).method(method, withBody ? HttpRequest.BodyPublishers.ofString("{}")
                            : HttpRequest.BodyPublishers.noBody()).build());
            assertTrue(r.statusCode() < 500, service + " " + method + " " + path + " -> " + r.statusCode() + " " + r.body());
        }
    }

    // ---------------------------------------------------------------------------------------------

    private static void check(HttpResponse<String> r, String what) {
        if (r == null) {
            return; // a body over the limit, refused (see post)
        }
        String shown = what.length() > 300 ? what.substring(0, 300) + "..." : what;
        assertTrue(r.statusCode() < 500, "5xx for " + shown + ": " + r.statusCode() + " " + r.body());
        if (r.statusCode() == 400) {
            JsonNode body = readJson(r.body(), shown);
            assertTrue(body.path("fields").size() > 0, "a 400 lists fields: " + r.body());
            for (JsonNode f : body.path("fields")) {
                String field = f.path("field").asText();
                // an unknown field is named as sent, shortened and with control characters escaped
                boolean unknownSent = f.path("allowed").asText().startsWith("absent (unknown field")
                        && field.length() <= 200 && field.codePoints().noneMatch(Character::isISOControl);
                assertTrue(known(field) || unknownSent, "a 400 names a field that exists (or the unknown one sent), not '" + field
                        + "' (for " + shown + ")");
                assertFalse(f.path("message").asText().isBlank(), r.body());
            }
        } else if (r.statusCode() == 202) {
            assertTrue(readJson(r.body(), shown).hasNonNull("run_id") || r.body().contains("sweep_id"), r.body());
        } else {
            assertTrue(Set.of(401, 403, 405, 413, 414, 415, 431).contains(r.statusCode()), "unexpected " + r.statusCode() + " for " + shown);
        }
    }

    private static boolean known(String field) {
        String base = field.replaceAll(" \\(variant .*\\)$", "");
        return FIELDS.contains(base) || base.equals("(spec)") || base.equals("grid") || base.equals("preset") || base.equals("model");
    }

    private static JsonNode readJson(String text, String what) {
        try {
            return Json.mapper().readTree(text);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + text + " (for " + what + ")", e);
        }
    }

    // --- generators --------------------------------------------------------------------------------

    static Gen<String> contentTypes() {
        return Gen.weighted(6, Gen.just("application/json"), 3, Gen.of("application/yaml", "text/yaml", "application/x-yaml"),
                1, Gen.of("text/plain", "application/x-www-form-urlencoded", "*/*", "application/json; charset=utf-16",
                        "multipart/form-data; boundary=x"));
    }

    static Gen<String> bodies() {
        return Gen.weighted(4, mutatedSpecs(), 2, jsonValues(4).map(Json::write), 2, jsonValues(4).map(ApiFuzzTest::yaml),
                1, hostile(), 1, Gen.strings(200));
    }

    /** A valid spec with one field set to something else: another type, an edge value, a huge or odd string. */
    private static Gen<String> mutatedSpecs() {
        Gen<String> paths = Gen.of(List.copyOf(FIELDS));
        Gen<Object> values = oddValues();
        return r -> {
            String path = paths.next(r);
            Object value = values.next(r);
            Object tree = nested(path, value);
            String json = Json.write(tree);
            return switch (r.nextInt(4)) {
                case 0 -> json;
                case 1 -> yaml(tree);
                case 2 -> json.replaceFirst("\\{", "{\"seed\":1,"); // a second key, maybe a duplicate
                default -> json + (value instanceof String s ? s : " trailing");
            };
        };
    }

    private static Gen<Object> oddValues() {
        return Gen.oneOf(
                Gen.ints().map(i -> (Object) i),
                Gen.longs().map(l -> (Object) l),
                Gen.doubles().map(d -> (Object) (Double.isFinite(d) ? d : 0.5)),
                Gen.of(0, -1, 1, 2, 48, 49, 4096, 4097, Integer.MAX_VALUE, Long.MAX_VALUE, 1e308, -0.0, 0.999999, 1.0)
                        .map(v -> (Object) v),
                Gen.of("NaN", "Infinity", "-Infinity", "", " ", "null", "true", "pre", "post", "rmsnorm", "char", "gpt2",
                        "../../etc/passwd", "/etc/passwd", "a\u0000b", "\u202Eevil", "\uD83D\uDE00", "\uD800", "x".repeat(5000))
                        .map(v -> (Object) v),
                Gen.just((Object) null),
                Gen.just((Object) List.of(1, 2)),
                Gen.just((Object) Map.of("a", 1)),
                Gen.strings(40).map(v -> (Object) v));
    }

    /** Arbitrary JSON values: objects with spec-like and random keys, arrays, scalars. */
    private static Gen<Object> jsonValues(int depth) {
        Gen<Object> scalar = Gen.oneOf(oddValues(), Gen.of(true, false).map(b -> (Object) b));
        if (depth == 0) {
            return scalar;
        }
        Gen<String> keys = Gen.oneOf(Gen.of(List.copyOf(topLevelAndLeafNames())), Gen.strings(12));
        Gen<Object> inner = jsonValues(depth - 1);
        return Gen.oneOf(scalar, Gen.maps(keys, inner, 5).map(m -> (Object) m), inner.list(0, 4).map(l -> (Object) l));
    }

    /** Bodies built to hurt a parser: size, depth, numbers, duplicates, trailing bytes, encodings, NULs. */
    private static Gen<String> hostile() {
        return Gen.oneOf(
                Gen.ints(500, 6000).map(n -> "[".repeat(n) + "]".repeat(n)),
                Gen.ints(500, 6000).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)),
                Gen.ints(100, 3000).map(n -> "a:\n" + " - ".repeat(n)),
                Gen.ints(60, 5000).map(n -> "{\"seed\":" + "9".repeat(n) + "}"),
                Gen.ints(1, 400_000).map(n -> "{\"name\":\"" + "x".repeat(n) + "\"}"),
                Gen.of("{\"seed\":1,\"seed\":2}", "seed: 1\nseed: 2\n", "{\"seed\":1} junk", "{}{}", "seed: 1\n---\nseed: 2\n",
                        "a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c]\n",
                        "!!java.lang.Runtime {}", "{\"data\":{\"source\":\"file\",\"path\":\"a\\u0000b\"}}", "\uFEFF{\"seed\":1}",
                        "{\"seed\":1e99999}", "{\"model\":{\"layers\":1.5}}", "{\"training\":{\"batch_size\":4096,\"max_steps\":500000}}",
                        "{\"model\":{\"width\":4096,\"layers\":48,\"block_size\":4096}}"));
    }

    static Gen<String> grids() {
        Gen<String> path = Gen.oneOf(Gen.of(List.copyOf(FIELDS)), Gen.of(".", "..", "model.", ".model", "model..layers", "model",
                "a.b.c.d.e.f.g", "regularization.dropout"), Gen.strings(20));
        Gen<String> values = Gen.oneOf(Gen.strings("0123456789.,-eE", 0, 30), Gen.of("0,0.1",
                "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33", "pre,post", "{\"a\":1}", "",
                ",", "null"));
        Gen<String> axis = Gen.combine(path, values, (p, v) -> p + "=" + v);
        return Gen.oneOf(axis.list(1, 6).map(l -> String.join(";", l)), Gen.strings(100),
                Gen.ints(1, 20).map(n -> "training.seed=1,2;".repeat(n)), Gen.just("x".repeat(5000)));
    }

    static Gen<String> paths() {
        return Gen.oneOf(
                Gen.strings("abcdefghijklmnopqrstuvwxyz0123456789-_.%", 0, 80).map(id -> "/api/runs/" + id),
                Gen.strings("abc-%.", 0, 80).map(id -> "/runs/" + id),
                Gen.of("/api/runs", "/api/runs/", "/api/runs?limit=-1", "/api/services", "/api/runs/%00", "/api/runs/..%2F..",
                        "/runs", "/runs/%2e%2e", "/q/health", "/q/metrics", "/q/openapi", "/api/runs/" + "a".repeat(5000), "/index.html",
                        "/run.html?id=%3Cscript%3E", "/api/stream/x", "/nothing"));
    }

    static Gen<String> methods() {
        return Gen.of("GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");
    }

    private static Gen<Integer> atMost(int max) {
        return Gen.ints(Integer.MIN_VALUE, max);
    }

    private static Gen<Integer> atLeast(int min) {
        return Gen.ints(min, Integer.MAX_VALUE);
    }

    private static Gen<Double> below(double max) {
        return Gen.oneOf(Gen.doubles(-1e6, max), Gen.just(-Double.MAX_VALUE));
    }

    private static Gen<Double> from(double min) {
        return Gen.oneOf(Gen.doubles(min, 1e6), Gen.just(Double.MAX_VALUE));
    }

    /** Field paths with a value the docs call invalid (README ranges, RunSpecValidator). */
    static Gen<Map.Entry<String, Object>> invalidValues() {
        return Gen.oneOf(
                entry("model.layers", Gen.oneOf(atMost(0), Gen.ints(49, 100_000))),
                entry("model.heads", atMost(0)),
                entry("model.width", Gen.oneOf(atMost(7), atLeast(4097))),
                entry("model.block_size", Gen.oneOf(atMost(3), atLeast(4097))),
                entry("regularization.dropout.attention", Gen.oneOf(below(0), from(1))),
                entry("regularization.label_smoothing", from(1)),
                entry("regularization.weight_decay", Gen.oneOf(below(0), from(Math.nextUp(10.0)))),
                entry("optimizer.learning_rate", Gen.oneOf(below(Math.nextUp(0.0)).map(d -> Math.min(d, 0.0)), from(Math.nextUp(1.0)))),
                entry("optimizer.beta1", from(1)),
                entry("training.batch_size", Gen.oneOf(atMost(0), atLeast(4097))),
                entry("training.max_steps", atMost(0)),
                entry("training.metrics_every", atLeast(1001)),
                entry("early_stopping.patience", Gen.oneOf(atMost(0), atLeast(1001))),
                entry("evaluation.sample_temperature", Gen.oneOf(below(Math.nextUp(0.0)).map(d -> Math.min(d, 0.0)), from(Math.nextUp(10.0)))),
                entry("data.held_out_fraction", Gen.oneOf(below(Math.nextUp(0.0)).map(d -> Math.min(d, 0.0)), from(Math.nextUp(0.5)))),
                entry("data.source", Gen.of("url", "http", "s3", "FILEX")),
                entry("data.split", Gen.of("head", "randomly", "", "TAIL ")),
                entry("data.format", Gen.of("csv", "json", "", "parquet")),
                entry("data.text_field", Gen.of("", "x".repeat(257), "a\u0000b")),
                entry("data.heldout_path", Gen.of("../valid.txt", "/etc/passwd", "a/../../b", "", "x\u0000y")),
                entry("model.norm", Gen.of("middle", "layernorm", "pre-ln", "")),
                entry("model.norm_kind", Gen.of("batchnorm", "pre", "rms", "")),
                entry("model.residual", Gen.of("yes", "1", "on")),
                entry("regularization.dropout.heads", Gen.oneOf(below(0), from(1))),
                entry("regularization.dropout.mlp", Gen.oneOf(below(0), from(1))),
                entry("regularization.weight_decay_mode", Gen.of("adamw", "L3", "", "decay")),
                entry("regularization.label_smoothing_mode", Gen.of("all", "uniformly", "", "other")),
                entry("tokenizer.kind", Gen.of("word", "bpe", "", "unigram")),
                entry("name", Gen.of("", " ", "x".repeat(81), "a\u0000b", "tab\u0007bell")));
    }

    private static Gen<Map.Entry<String, Object>> entry(String field, Gen<?> values) {
        return values.map(v -> Map.entry(field, (Object) v));
    }

    // --- helpers -----------------------------------------------------------------------------------

    /** The default spec with {@code value} at {@code path} (dotted snake_case). */
    @SuppressWarnings("unchecked")
    private static Object nested(String path, Object value) {
        Map<String, Object> tree = Json.mapper().convertValue(RunSpec.defaults(), Map.class);
        String[] parts = path.split("\\.");
        Map<String, Object> node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            node = (Map<String, Object>) node.computeIfAbsent(parts[i], k -> new java.util.LinkedHashMap<>());
        }
        node.put(parts[parts.length - 1], value);
        return tree;
    }

    private static String yaml(Object tree) {
        try {
            return Json.yaml().writeValueAsString(tree);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every leaf path of the spec, e.g. regularization.dropout.attention. */
    private static Set<String> specPaths() {
        Set<String> paths = new TreeSet<>();
        walk(RunSpec.class, "", paths);
        return paths;
    }

    private static void walk(Class<?> type, String prefix, Set<String> into) {
        for (RecordComponent c : type.getRecordComponents()) {
            String name = prefix + c.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
            if (c.getType().isRecord()) {
                into.add(name);
                walk(c.getType(), name + ".", into);
            } else {
                into.add(name);
            }
        }
    }

    private static Set<String> topLevelAndLeafNames() {
        Set<String> names = new TreeSet<>();
        FIELDS.forEach(f -> names.addAll(List.of(f.split("\\."))));
        return names;
    }

    /** trainer-service's quarkus.http.limits.max-body-size. */
    static final int MAX_BODY = 256 * 1024;

    private static HttpResponse<String> post(String path, String type, String body, String token) {
        HttpRequest request = HttpRequest.newBuilder(ensemble.url("trainer-service", path)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", type).header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        if (body.getBytes(StandardCharsets.UTF_8).length <= MAX_BODY) {
            return send(request);
        }
        // A body over the limit: the server answers 413 and closes the connection, maybe while the
        // client still writes, which the client sees as a reset. On a connection of its own, so no
        // other request meets the closed one; a reset is a refusal as long as the service stays live.
        try {
            HttpResponse<String> r = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()
                    .send(request, HttpResponse.BodyHandlers.ofString());
            SENT.incrementAndGet();
            STATUSES.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
            // 414 when the request line is over its limit too (a long sweep grid): refused before the body is read
            assertTrue(r.statusCode() == 413 || (r.statusCode() == 414 && path.length() > 4000),
                    "a body of " + body.length() + " characters to a path of " + path.length() + ": " + r.statusCode() + " " + r.body());
            return r;
        } catch (IOException e) {
            SENT.incrementAndGet();
            STATUSES.computeIfAbsent(413, k -> new AtomicInteger()).incrementAndGet();
            assertEquals(200, get(ensemble.url("trainer-service", "/q/health/live")).statusCode(), "alive after a huge body");
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static HttpResponse<String> get(URI uri) {
        return send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build());
    }

    private static HttpResponse<String> send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            SENT.incrementAndGet();
            STATUSES.computeIfAbsent(r.statusCode(), k -> new AtomicInteger()).incrementAndGet();
            return r;
        } catch (IOException e) {
            throw new AssertionError("no answer to " + request.method() + " " + request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Bytes of the heap in use, from the service's Prometheus metrics. */
    private static long heapUsed(String service) {
        String metrics = get(ensemble.url(service, "/q/metrics")).body();
        Matcher m = Pattern.compile("jvm_memory_used_bytes\\{area=\"heap\",id=\"[^\"]+\"[^}]*} ([0-9.eE+]+)").matcher(metrics);
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return (long) total;
    }
}
