package org.overfitguard.launcher;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.overfitguard.contracts.json.Json;

/** POSTs run specs (and sweeps) to trainer-service and reads back the run ids; a 400 becomes an exception listing every bad field. */
public final class RunSubmitter {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI trainer;
    private final String token;

    /** {@code token}: the bearer token of a caller with the submitter role. */
    public RunSubmitter(URI trainerBase, String token) {
        this.trainer = trainerBase;
        this.token = token;
    }

    /** Submits one run; returns its id. */
    public String submit(String specYaml) throws IOException {
        JsonNode body = post("/runs", specYaml);
        return body.get("run_id").asText();
    }

    /** Submits a sweep; returns its run ids in variant order. */
    public List<String> submitSweep(String query, String specYaml) throws IOException {
        JsonNode body = post("/sweeps?" + query, specYaml);
        List<String> ids = new ArrayList<>();
        body.get("runs").forEach(r -> ids.add(r.get("run_id").asText()));
        return ids;
    }

    private JsonNode post(String path, String yaml) throws IOException {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(trainer.resolve(path))
                    .header("Content-Type", "application/yaml")
                    .header("Authorization", "Bearer " + token)
                    .POST(HttpRequest.BodyPublishers.ofString(yaml, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = Json.mapper().readTree(r.body());
            if (r.statusCode() == 400) {
                StringBuilder message = new StringBuilder("the run spec was refused:");
                body.path("fields").forEach(f -> message.append("\n  - ").append(f.path("message").asText()));
                throw new IOException(message.toString());
            }
            if (r.statusCode() != 202) {
                throw new IOException("trainer-service answered " + r.statusCode() + ": " + r.body());
            }
            return body;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }
}
