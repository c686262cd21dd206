package org.overfitguard.trainer.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import jakarta.ws.rs.BadRequestException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.trainer.TrainerConfig;
import org.overfitguard.trainer.models.Generator;

/**
 * The body of POST /runs/{id}/generate, read strictly: every field optional, none unknown.
 * <pre>
 * {"prompt": "the ", "max_tokens": 200, "temperature": 0.8, "top_k": 0, "seed": 0, "step": null}
 * </pre>
 * A bad body is a 400 listing each bad field with its value and what is allowed.
 */
final class GenerateRequests {

    static final Set<String> FIELDS = Set.of("prompt", "max_tokens", "temperature", "top_k", "seed", "step");
    static final double MAX_TEMPERATURE = 10;

    private GenerateRequests() {
    }

    static Generator.Request parse(String body, TrainerConfig.Models limits) {
        JsonNode tree;
        try {
            tree = body == null || body.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw bad(List.of(new FieldError("(body)", "", "one JSON object (" + e.getOriginalMessage() + ")")));
        }
        List<FieldError> errors = new ArrayList<>();
        if (tree == null || !tree.isObject()) {
            throw bad(List.of(new FieldError("(body)", String.valueOf(tree), "a JSON object")));
        }
        for (Map.Entry<String, JsonNode> e : tree.properties()) {
            if (!FIELDS.contains(e.getKey())) {
                errors.add(new FieldError(e.getKey(), e.getValue().toString(), "one of the known fields " + FIELDS.stream().sorted().toList()));
            }
        }
        String prompt = "";
        JsonNode p = tree.get("prompt");
        if (p != null && !p.isNull()) {
            if (!p.isTextual() || p.textValue().length() > limits.maxPromptChars()) {
                errors.add(new FieldError("prompt", p.toString(), "a string of at most " + limits.maxPromptChars()
                        + " characters (trainer.models.max-prompt-chars)"));
            } else {
                prompt = p.textValue();
            }
        }
        long maxTokens = integer(tree, "max_tokens", 200, 1, limits.maxTokens(), "(trainer.models.max-tokens)", errors);
        long topK = integer(tree, "top_k", 0, 0, 1 << 20, "(0: every token)", errors);
        long seed = integer(tree, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, "", errors);
        JsonNode s = tree.get("step");
        Long step = s == null || s.isNull() ? null : integer(tree, "step", 0, 0, Long.MAX_VALUE, "(null: the final model)", errors);
        double temperature = 0.8;
        JsonNode t = tree.get("temperature");
        if (t != null && !t.isNull()) {
            if (!t.isNumber() || !Double.isFinite(t.doubleValue()) || t.doubleValue() < 0 || t.doubleValue() > MAX_TEMPERATURE) {
                errors.add(new FieldError("temperature", t.toString(), "a number from 0 (greedy) to " + (int) MAX_TEMPERATURE));
            } else {
                temperature = t.doubleValue();
            }
        }
        if (!errors.isEmpty()) {
            throw bad(errors);
        }
        return new Generator.Request(prompt, (int) maxTokens, temperature, (int) topK, seed, step);
    }

    private static long integer(JsonNode tree, String field, long fallback, long min, long max, String note, List<FieldError> errors) {
        JsonNode n = tree.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            String range = min == Long.MIN_VALUE ? "any 64-bit integer" : max == Long.MAX_VALUE ? "an integer >= " + min
                    : "an integer from " + min + " to " + max;
            errors.add(new FieldError(field, n.toString(), (range + " " + note).strip()));
            return fallback;
        }
        return n.longValue();
    }

    private static BadRequestException bad(List<FieldError> errors) {
        return SpecProblems.badRequest("generate request", errors);
    }
}
