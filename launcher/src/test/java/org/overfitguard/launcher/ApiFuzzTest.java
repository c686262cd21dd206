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
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.ShrinkingMode;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * Property-based fuzzing of the REST APIs of the real trainer-service and monitor-service (their
 * jars as processes, the real broker, real HTTP): well over 10,000 bodies per run, random JSON and
 * YAML, mutated valid specs, huge, deep, duplicate-key, trailing-garbage, wrong-type, unicode and
 * NUL bodies, and sweep grids. None may be answered 5xx; every 400 names fields that exist; a value
 * the docs call invalid is never accepted; the services stay live and their heap bounded.
 */
class ApiFuzzTest {

    private static LocalEnsemble ensemble;
    // HTTP/1.1 as curl speaks it: over h2c a 413 ends the connection (GOAWAY), and a POST is not retried on another
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private static final Set<String> FIELDS = specPaths();
    private static final AtomicInteger SENT = new AtomicInteger();
    private static final Map<Integer, AtomicInteger> STATUSES = new java.util.concurrent.ConcurrentHashMap<>();

    @BeforeContainer
    static void start() throws IOException {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path workdir = Files.createTempDirectory("fuzz-ensemble-");
        ensemble = new LocalEnsemble(new Layout(repo), workdir, LocalEnsemble.Ports.free(), Files.createDirectories(workdir.resolve("data")));
        ensemble.start(List.of("trainer-service", "monitor-service"));
    }

    @AfterContainer
    static void stop() throws Exception {
        try {
            long heap = heapUsed("trainer-service");
            System.out.printf(Locale.ROOT, "[fuzz] %d requests, statuses %s; trainer heap in use afterwards %d MiB%n", SENT.get(),
                    new java.util.TreeMap<>(STATUSES), heap >> 20);
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

    @Property(tries = 3600, shrinking = ShrinkingMode.BOUNDED)
    void postRunsNeverAnswers5xxAndEvery400NamesRealFields(@ForAll("bodies") String body, @ForAll("contentTypes") String type) {
        HttpResponse<String> r = post("/runs", type, body, ensemble.token());
        check(r, body);
    }

    /** Values the README and the validator call invalid are refused, naming the field. */
    @Property(tries = 1500)
    void aDocumentedlyInvalidValueIsNeverAccepted(@ForAll("invalidValues") Map.Entry<String, Object> invalid,
                                                 @ForAll("contentTypes") String type) {
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

    @Property(tries = 1500, shrinking = ShrinkingMode.BOUNDED)
    void postSweepsNeverAnswers5xx(@ForAll("grids") String grid, @ForAll("bodies") String body) {
        HttpResponse<String> r = post("/sweeps?grid=" + URLEncoder.encode(grid, StandardCharsets.UTF_8), "application/yaml", body,
                ensemble.token());
        check(r, grid + " | " + body);
    }

    // --- trainer-service: POST /runs/{id}/generate and /runs/{id}/export ------------------------------

    static final Set<String> GENERATE_FIELDS = Set.of("prompt", "max_tokens", "temperature", "top_k", "seed", "step", "(body)");

    /** The body is read before the run is looked up, so an unknown run still exercises the whole parser. */
    @Property(tries = 1000, shrinking = ShrinkingMode.BOUNDED)
    void generateAndExportNeverAnswer5xx(@ForAll("generateBodies") String body, @ForAll("modelRunIds") String id) {
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

    @Provide
    Arbitrary<String> generateBodies() {
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of("prompt", "max_tokens", "temperature", "top_k", "seed", "step"),
                Arbitraries.strings().ofMaxLength(12));
        Arbitrary<String> structured = Arbitraries.maps(keys, oddValues()).ofMaxSize(6).map(Json::write);
        return Arbitraries.oneOf(structured, structured, bodies());
    }

    @Provide
    Arbitrary<String> modelRunIds() {
        return Arbitraries.oneOf(Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-").ofMinLength(1).ofMaxLength(40)
                        .map(s -> "run-" + s),
                Arbitraries.of("%2e%2e", "run-x%2Fy", "a".repeat(300), "%00"));
    }

    // --- monitor-service and the read side -------------------------------------------------------

    @Property(tries = 1200)
    void readEndpointsNeverAnswer5xx(@ForAll("paths") String path, @ForAll("methods") String method) {
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

    @Provide
    Arbitrary<String> contentTypes() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(6, Arbitraries.just("application/json")),
                net.jqwik.api.Tuple.of(3, Arbitraries.of("application/yaml", "text/yaml", "application/x-yaml")),
                net.jqwik.api.Tuple.of(1, Arbitraries.of("text/plain", "application/x-www-form-urlencoded", "*/*",
                        "application/json; charset=utf-16", "multipart/form-data; boundary=x")));
    }

    @Provide
    Arbitrary<String> bodies() {
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, mutatedSpecs()),
                net.jqwik.api.Tuple.of(2, jsonValues(4).map(Json::write)),
                net.jqwik.api.Tuple.of(2, jsonValues(4).map(ApiFuzzTest::yaml)),
                net.jqwik.api.Tuple.of(1, hostile()),
                net.jqwik.api.Tuple.of(1, Arbitraries.strings().ofMaxLength(200)));
    }

    /** A valid spec with one field set to something else: another type, an edge value, a huge or odd string. */
    private Arbitrary<String> mutatedSpecs() {
        List<String> paths = List.copyOf(FIELDS);
        return Combinators.combine(Arbitraries.of(paths), oddValues(), Arbitraries.integers().between(0, 3))
                .as((path, value, form) -> {
                    Object tree = nested(path, value);
                    String json = Json.write(tree);
                    return switch (form) {
                        case 0 -> json;
                        case 1 -> yaml(tree);
                        case 2 -> json.replaceFirst("\\{", "{\"seed\":1,"); // a second key, maybe a duplicate
                        default -> json + (value instanceof String s ? s : " trailing");
                    };
                });
    }

    private static Arbitrary<Object> oddValues() {
        return Arbitraries.oneOf(
                Arbitraries.integers().map(i -> (Object) i),
                Arbitraries.longs().map(l -> (Object) l),
                Arbitraries.doubles().map(d -> (Object) d),
                Arbitraries.of(0, -1, 1, 2, 48, 49, 4096, 4097, Integer.MAX_VALUE, Long.MAX_VALUE, 1e308, -0.0, 0.999999, 1.0)
                        .map(v -> (Object) v),
                Arbitraries.of("NaN", "Infinity", "-Infinity", "", " ", "null", "true", "pre", "post", "rmsnorm", "char", "gpt2",
                        "../../etc/passwd", "/etc/passwd", "a\u0000b", "\u202Eevil", "\uD83D\uDE00", "\uD800", "x".repeat(5000))
                        .map(v -> (Object) v),
                Arbitraries.just((Object) null),
                Arbitraries.just((Object) List.of(1, 2)),
                Arbitraries.just((Object) Map.of("a", 1)),
                Arbitraries.strings().ofMaxLength(40).map(v -> (Object) v));
    }

    /** Arbitrary JSON values: objects with spec-like and random keys, arrays, scalars. */
    private static Arbitrary<Object> jsonValues(int depth) {
        Arbitrary<Object> scalar = Arbitraries.oneOf(oddValues(), Arbitraries.of(true, false).map(b -> (Object) b));
        if (depth == 0) {
            return scalar;
        }
        Arbitrary<String> keys = Arbitraries.oneOf(Arbitraries.of(List.copyOf(topLevelAndLeafNames())), Arbitraries.strings().ofMaxLength(12));
        return Arbitraries.oneOf(scalar,
                Arbitraries.maps(keys, jsonValues(depth - 1)).ofMaxSize(5).map(m -> (Object) m),
                jsonValues(depth - 1).list().ofMaxSize(4).map(l -> (Object) l));
    }

    /** Bodies built to hurt a parser: size, depth, numbers, duplicates, trailing bytes, encodings, NULs. */
    private static Arbitrary<String> hostile() {
        return Arbitraries.oneOf(
                Arbitraries.integers().between(500, 6000).map(n -> "[".repeat(n) + "]".repeat(n)),
                Arbitraries.integers().between(500, 6000).map(n -> "{\"a\":".repeat(n) + "1" + "}".repeat(n)),
                Arbitraries.integers().between(100, 3000).map(n -> "a:\n" + " - ".repeat(n)),
                Arbitraries.integers().between(60, 5000).map(n -> "{\"seed\":" + "9".repeat(n) + "}"),
                Arbitraries.integers().between(1, 400_000).map(n -> "{\"name\":\"" + "x".repeat(n) + "\"}"),
                Arbitraries.just("{\"seed\":1,\"seed\":2}"),
                Arbitraries.just("seed: 1\nseed: 2\n"),
                Arbitraries.just("{\"seed\":1} junk"),
                Arbitraries.just("{}{}"),
                Arbitraries.just("seed: 1\n---\nseed: 2\n"),
                Arbitraries.just("a: &a [x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b]\nd: [*c,*c,*c,*c]\n"),
                Arbitraries.just("!!java.lang.Runtime {}"),
                Arbitraries.just("{\"data\":{\"source\":\"file\",\"path\":\"a\\u0000b\"}}"),
                Arbitraries.just("\uFEFF{\"seed\":1}"),
                Arbitraries.just("{\"seed\":1e99999}"),
                Arbitraries.just("{\"model\":{\"layers\":1.5}}"),
                Arbitraries.just("{\"training\":{\"batch_size\":4096,\"max_steps\":500000}}"),
                Arbitraries.just("{\"model\":{\"width\":4096,\"layers\":48,\"block_size\":4096}}"));
    }

    @Provide
    Arbitrary<String> grids() {
        Arbitrary<String> path = Arbitraries.oneOf(Arbitraries.of(List.copyOf(FIELDS)), Arbitraries.of(".", "..", "model.", ".model",
                "model..layers", "model", "a.b.c.d.e.f.g", "regularization.dropout"), Arbitraries.strings().ofMaxLength(20));
        Arbitrary<String> values = Arbitraries.oneOf(Arbitraries.strings().withChars("0123456789.,-eE").ofMaxLength(30),
                Arbitraries.of("0,0.1", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,32,33",
                        "pre,post", "{\"a\":1}", "", ",", "null"));
        Arbitrary<String> axis = Combinators.combine(path, values).as((p, v) -> p + "=" + v);
        return Arbitraries.oneOf(axis.list().ofMinSize(1).ofMaxSize(6).map(l -> String.join(";", l)),
                Arbitraries.strings().ofMaxLength(100), Arbitraries.integers().between(1, 20).map(n -> "training.seed=1,2;".repeat(n)),
                Arbitraries.just("x".repeat(5000)));
    }

    @Provide
    Arbitrary<String> paths() {
        return Arbitraries.oneOf(
                Arbitraries.strings().withChars("abcdefghijklmnopqrstuvwxyz0123456789-_.%").ofMaxLength(80)
                        .map(id -> "/api/runs/" + id),
                Arbitraries.strings().withChars("abc-%.").ofMaxLength(80).map(id -> "/runs/" + id),
                Arbitraries.of("/api/runs", "/api/runs/", "/api/runs?limit=-1", "/api/services", "/api/runs/%00", "/api/runs/..%2F..",
                        "/runs", "/runs/%2e%2e", "/q/health", "/q/metrics", "/q/openapi", "/api/runs/" + "a".repeat(5000), "/index.html",
                        "/run.html?id=%3Cscript%3E", "/api/stream/x", "/nothing"));
    }

    @Provide
    Arbitrary<String> methods() {
        return Arbitraries.of("GET", "GET", "GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD");
    }

    /** Field paths with a value the docs call invalid (README ranges, RunSpecValidator). */
    @Provide
    Arbitrary<Map.Entry<String, Object>> invalidValues() {
        return Arbitraries.oneOf(
                entry("model.layers", Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().between(49, 100_000))),
                entry("model.heads", Arbitraries.integers().lessOrEqual(0)),
                entry("model.width", Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(7), Arbitraries.integers().greaterOrEqual(4097))),
                entry("model.block_size", Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(3), Arbitraries.integers().greaterOrEqual(4097))),
                entry("regularization.dropout.attention", Arbitraries.oneOf(Arbitraries.doubles().lessThan(0), Arbitraries.doubles().greaterOrEqual(1))),
                entry("regularization.label_smoothing", Arbitraries.doubles().greaterOrEqual(1)),
                entry("regularization.weight_decay", Arbitraries.oneOf(Arbitraries.doubles().lessThan(0), Arbitraries.doubles().greaterThan(10))),
                entry("optimizer.learning_rate", Arbitraries.oneOf(Arbitraries.doubles().lessOrEqual(0), Arbitraries.doubles().greaterThan(1))),
                entry("optimizer.beta1", Arbitraries.doubles().greaterOrEqual(1)),
                entry("training.batch_size", Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().greaterOrEqual(4097))),
                entry("training.max_steps", Arbitraries.integers().lessOrEqual(0)),
                entry("training.metrics_every", Arbitraries.integers().greaterOrEqual(1001)),
                entry("early_stopping.patience", Arbitraries.oneOf(Arbitraries.integers().lessOrEqual(0), Arbitraries.integers().greaterOrEqual(1001))),
                entry("evaluation.sample_temperature", Arbitraries.oneOf(Arbitraries.doubles().lessOrEqual(0), Arbitraries.doubles().greaterThan(10))),
                entry("data.held_out_fraction", Arbitraries.oneOf(Arbitraries.doubles().lessOrEqual(0), Arbitraries.doubles().greaterThan(0.5))),
                entry("data.source", Arbitraries.of("url", "http", "s3", "FILEX")),
                entry("data.split", Arbitraries.of("head", "randomly", "", "TAIL ")),
                entry("data.heldout_path", Arbitraries.of("../valid.txt", "/etc/passwd", "a/../../b", "", "x\u0000y")),
                entry("model.norm", Arbitraries.of("middle", "layernorm", "pre-ln", "")),
                entry("model.norm_kind", Arbitraries.of("batchnorm", "pre", "rms", "")),
                entry("model.residual", Arbitraries.of("yes", "1", "on")),
                entry("regularization.dropout.heads", Arbitraries.oneOf(Arbitraries.doubles().lessThan(0), Arbitraries.doubles().greaterOrEqual(1))),
                entry("regularization.dropout.mlp", Arbitraries.oneOf(Arbitraries.doubles().lessThan(0), Arbitraries.doubles().greaterOrEqual(1))),
                entry("regularization.weight_decay_mode", Arbitraries.of("adamw", "L3", "", "decay")),
                entry("regularization.label_smoothing_mode", Arbitraries.of("all", "uniformly", "", "other")),
                entry("tokenizer.kind", Arbitraries.of("word", "bpe", "", "unigram")),
                entry("name", Arbitraries.of("", " ", "x".repeat(81), "a\u0000b", "tab\u0007bell")));
    }

    private static Arbitrary<Map.Entry<String, Object>> entry(String field, Arbitrary<?> values) {
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
