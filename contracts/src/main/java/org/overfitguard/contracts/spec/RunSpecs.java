package org.overfitguard.contracts.spec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.ArrayList;
import java.util.List;
import org.overfitguard.contracts.json.Json;

/** Reads run specs from JSON or YAML text, filling defaults and reporting every bad field at once. */
public final class RunSpecs {

    private RunSpecs() {
    }

    /**
     * A spec bound as far as it goes: every bad field reported, and in {@code spec} each bad field
     * replaced by its default, so that callers can add checks of their own and report all at once.
     */
    public record Checked(RunSpec spec, List<FieldError> errors) {
    }

    /** Parses JSON (or YAML, which is a superset) into a valid spec, or throws with all field errors. */
    public static RunSpec parse(String text) {
        Checked checked = check(text);
        if (!checked.errors().isEmpty()) {
            throw new InvalidRunSpecException(checked.errors());
        }
        return checked.spec();
    }

    /** Like {@link #parse}, but returns the errors instead of throwing. */
    public static Checked check(String text) {
        JsonNode tree;
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            tree = JsonNodeFactory.instance.objectNode();
        } else {
            try {
                tree = trimmed.startsWith("{") ? Json.mapper().readTree(trimmed) : Json.yaml().readTree(trimmed);
            } catch (JsonProcessingException e) {
                return unparseable(e.getOriginalMessage(), e.getLocation() == null ? -1 : e.getLocation().getLineNr());
            } catch (RuntimeException e) { // the YAML scanner's own limits (nesting, size) are not Jackson's exceptions
                return unparseable(e.getMessage(), -1);
            }
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                tree = JsonNodeFactory.instance.objectNode();
            }
        }
        return checkTree(tree);
    }

    private static Checked unparseable(String why, int line) {
        String where = line > 0 ? " at line " + line : "";
        return new Checked(RunSpec.defaults(), List.of(new FieldError("(spec)", "unparseable text",
                "one JSON or YAML document (" + FieldError.shorten(String.valueOf(why), 160) + where + ")")));
    }

    /** Binds an already parsed tree: defaults for missing fields, then validation; throws on any error. */
    public static RunSpec fromTree(JsonNode tree) {
        Checked checked = checkTree(tree);
        if (!checked.errors().isEmpty()) {
            throw new InvalidRunSpecException(checked.errors());
        }
        return checked.spec();
    }

    private static Checked checkTree(JsonNode tree) {
        SpecBinder binder = new SpecBinder();
        RunSpec spec = binder.bind(tree, RunSpec.defaults(), "");
        List<FieldError> errors = new ArrayList<>(binder.errors());
        List<String> badFields = errors.stream().map(FieldError::field).toList();
        for (FieldError e : RunSpecValidator.validate(spec)) {
            if (!badFields.contains(e.field())) {
                errors.add(e);
            }
        }
        return new Checked(spec, List.copyOf(errors));
    }

    public static String toJson(RunSpec spec) {
        return Json.write(spec);
    }

    public static String toYaml(RunSpec spec) {
        try {
            return Json.yaml().writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
