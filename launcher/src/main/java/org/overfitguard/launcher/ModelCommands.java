package org.overfitguard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Reader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.overfitguard.contracts.json.Json;

/**
 * {@code ./ensemble generate ...} and {@code ./ensemble export ...}: a trained model from a running
 * ensemble (one started with --keep), through trainer-service's REST API with the ensemble's token.
 * <pre>
 * ./ensemble generate --run ID [--prompt TEXT] [--max-tokens N] [--temperature T] [--top-k K] [--seed S] [--step N]
 * ./ensemble export   --run ID [--step N] [--out DIR]
 * </pre>
 * Generated text is printed as it streams in. The token is the newest .ensemble/launch-*&#47;token
 * unless --token-file (or OVERFIT_GUARD_TOKEN) says otherwise; --url points at another trainer.
 */
final class ModelCommands {

    static final String USAGE = """
            usage: ./ensemble generate --run ID [--prompt TEXT] [--max-tokens N] [--temperature T] [--top-k K] [--seed S] [--step N]
                   ./ensemble export   --run ID [--step N] [--out DIR]
              common: [--url http://127.0.0.1:8081] [--token-file FILE] (default: the newest .ensemble/launch-*/token)
              generate  prints the continuation as it is sampled; the same model, prompt, settings and seed give the same text
              export    writes model.safetensors, config.json, the tokenizer and the model card on the trainer, lists them,
                        and with --out downloads them into DIR
            """;

    static final Set<String> GENERATE_OPTIONS = Set.of("run", "url", "token-file", "prompt", "max-tokens", "temperature", "top-k",
            "seed", "step");
    static final Set<String> EXPORT_OPTIONS = Set.of("run", "url", "token-file", "step", "out");

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final PrintStream out;
    private final PrintStream err;

    ModelCommands(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    static boolean handles(String[] args) {
        return args.length > 0 && (args[0].equals("generate") || args[0].equals("export"));
    }

    /** Runs one command; the exit code: 0 done, 1 refused or failed, 2 bad usage. */
    int run(String[] args) {
        Map<String, String> o = new LinkedHashMap<>();
        for (int i = 1; i < args.length; i++) {
            if (args[i].equals("--help") || args[i].equals("-h")) {
                out.print(USAGE);
                return 0;
            }
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                err.print((args[i].startsWith("--") ? args[i] + " needs a value\n" : "unexpected " + args[i] + "\n") + USAGE);
                return 2;
            }
            o.put(args[i].substring(2), args[++i]);
        }
        if (!o.containsKey("run")) {
            err.print("--run ID is required\n" + USAGE);
            return 2;
        }
        try {
            URI base = URI.create(o.getOrDefault("url", "http://127.0.0.1:8081").replaceAll("/+$", "") + "/runs/"
                    + URLEncoder.encode(o.get("run"), StandardCharsets.UTF_8) + "/");
            String token = token(o.get("token-file"));
            return args[0].equals("generate") ? generate(base, token, o) : export(base, token, o);
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        } catch (IOException e) {
            err.println("trainer-service did not answer: " + e.getMessage() + " (is an ensemble running? ./ensemble --keep)");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private int generate(URI base, String token, Map<String, String> o) throws IOException, InterruptedException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("prompt", o.getOrDefault("prompt", ""));
        number(o, "max-tokens", "max_tokens", body, true);
        number(o, "temperature", "temperature", body, false);
        number(o, "top-k", "top_k", body, true);
        number(o, "seed", "seed", body, true);
        number(o, "step", "step", body, true);
        onlyKnown(o, GENERATE_OPTIONS);
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(base.resolve("generate")).timeout(Duration.ofMinutes(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(Json.write(body))).build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) {
            return refused(r.statusCode(), new String(r.body().readAllBytes(), StandardCharsets.UTF_8));
        }
        out.print(o.getOrDefault("prompt", ""));
        try (Reader in = new InputStreamReader(r.body(), StandardCharsets.UTF_8)) {
            char[] buffer = new char[256];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.print(new String(buffer, 0, n));
                out.flush();
            }
        }
        out.println();
        return 0;
    }

    private int export(URI base, String token, Map<String, String> o) throws IOException, InterruptedException {
        onlyKnown(o, EXPORT_OPTIONS);
        String query = o.containsKey("step") ? "?step=" + URLEncoder.encode(o.get("step"), StandardCharsets.UTF_8) : "";
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(base.resolve("export" + query)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            return refused(r.statusCode(), r.body());
        }
        JsonNode export = Json.mapper().readTree(r.body());
        out.println("exported " + export.path("run_id").asText() + " " + export.path("model").asText() + ":");
        Path dir = o.containsKey("out") ? Files.createDirectories(Path.of(o.get("out"))) : null;
        for (JsonNode f : export.path("files")) {
            out.printf("  %-22s %10d bytes  sha256 %s%n", f.path("name").asText(), f.path("bytes").asLong(), f.path("sha256").asText());
            if (dir != null) {
                URI file = base.resolve("/").resolve(f.path("url").asText());
                HttpResponse<Path> d = http.send(HttpRequest.newBuilder(file).timeout(Duration.ofMinutes(10)).GET().build(),
                        HttpResponse.BodyHandlers.ofFile(dir.resolve(Path.of(f.path("name").asText()).getFileName())));
                if (d.statusCode() != 200) {
                    return refused(d.statusCode(), "downloading " + file);
                }
            }
        }
        if (dir != null) {
            out.println("downloaded into " + dir.toAbsolutePath() + " (the model card is README.md)");
        }
        return 0;
    }

    private static void onlyKnown(Map<String, String> options, Set<String> known) {
        for (String k : options.keySet()) {
            if (!known.contains(k)) {
                throw new IllegalArgumentException("unknown option --" + k + "\n" + USAGE);
            }
        }
    }

    private int refused(int status, String body) {
        String message = body;
        try {
            JsonNode j = Json.mapper().readTree(body);
            message = j.path("error").asText(body);
            for (JsonNode f : j.path("fields")) {
                message += "\n  " + f.path("message").asText(); // e.g. "temperature must be a number from 0 (greedy) to 10, was -1"
            }
        } catch (IOException | RuntimeException notJson) {
            // the body as it is
        }
        err.println("trainer-service answered " + status + ": " + message);
        return 1;
    }

    private static void number(Map<String, String> o, String option, String field, Map<String, Object> body, boolean integer) {
        String v = o.get(option);
        if (v == null) {
            return;
        }
        try {
            body.put(field, integer ? (Object) Long.parseLong(v) : (Object) Double.parseDouble(v));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + option + " needs " + (integer ? "an integer" : "a number") + ", was " + v);
        }
    }

    private static String token(String file) throws IOException {
        if (file != null) {
            return Files.readString(Path.of(file)).strip();
        }
        String env = System.getenv("OVERFIT_GUARD_TOKEN");
        if (env != null && !env.isBlank()) {
            return env.strip();
        }
        Path runs = Path.of(".ensemble");
        Optional<Path> newest = Optional.empty();
        if (Files.isDirectory(runs)) {
            try (Stream<Path> s = Files.list(runs)) {
                newest = s.map(d -> d.resolve("token")).filter(Files::isRegularFile)
                        .max(Comparator.comparing(t -> t.toFile().lastModified()));
            }
        }
        return Files.readString(newest.orElseThrow(() -> new IllegalArgumentException(
                "no token: start an ensemble (./ensemble --keep) or give --token-file FILE"))).strip();
    }
}
