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

    /** Parses JSON (or YAML, which is a superset) into a valid spec, or throws with all field errors. */
    public static RunSpec parse(String text) {
        JsonNode tree;
        String trimmed = text == null ? "" : text.strip();
        if (trimmed.isEmpty()) {
            tree = JsonNodeFactory.instance.objectNode();
        } else {
            try {
                tree = trimmed.startsWith("{") ? Json.mapper().readTree(trimmed) : Json.yaml().readTree(trimmed);
            } catch (JsonProcessingException e) {
                throw new InvalidRunSpecException(List.of(new FieldError("(spec)", "unparseable text",
                        "JSON or YAML (" + e.getOriginalMessage() + " at line " + e.getLocation().getLineNr() + ")")));
            }
            if (tree == null || tree.isNull() || tree.isMissingNode()) {
                tree = JsonNodeFactory.instance.objectNode();
            }
        }
        return fromTree(tree);
    }

    /** Binds an already parsed tree: defaults for missing fields, then validation. */
    public static RunSpec fromTree(JsonNode tree) {
        SpecBinder binder = new SpecBinder();
        RunSpec spec = binder.bind(tree, RunSpec.defaults(), "");
        List<FieldError> errors = new ArrayList<>(binder.errors());
        List<String> badFields = errors.stream().map(FieldError::field).toList();
        for (FieldError e : RunSpecValidator.validate(spec)) {
            if (!badFields.contains(e.field())) {
                errors.add(e);
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunSpecException(errors);
        }
        return spec;
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
