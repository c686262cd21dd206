package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StepMetricsBuilder;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * Keeps docs/asyncapi.yaml in step with the records: every event and every record reachable from
 * them (the run spec and its sections) must have a schema in components.schemas, named like the
 * record, whose properties are exactly the snake_case record components, with matching types,
 * nullability, enum values and (for the run spec) defaults. The document is also checked against
 * what {@link Json} really writes for {@link SampleEvents}.
 */
class AsyncApiContractTest {

    static final Path DOCUMENT = Path.of("..", "docs", "asyncapi.yaml");

    /** Jackson writes non-finite doubles as these strings, so event number fields admit them. */
    static final String NON_FINITE_PATTERN = "^(NaN|Infinity|-Infinity)$";

    private static final String SCHEMAS = "#/components/schemas/";
    private static final String MESSAGES = "#/components/messages/";
    private static final List<String> EVENT_ENVELOPE = List.of("run_id", "event_id", "timestamp", "type");

    @Test
    void documentDescribesEveryRecordExactly() {
        List<String> problems = check(load());
        assertTrue(problems.isEmpty(), DOCUMENT + " disagrees with the contract records (" + problems.size()
                + " problems):\n  " + String.join("\n  ", problems));
    }

    @Test
    void theCheckerNoticesWhatIsMissingOrStale() {
        JsonNode original = load();
        assertEquals(List.of(), check(original), "the unmodified document must pass before mutating it");

        // the mutation asked for: one property removed from an event schema
        assertReported(original, d -> properties(d, "CheckpointSaved").remove("manifest_sha256"),
                "CheckpointSaved", "manifest_sha256");
        // deep in the run spec: RunSpec -> RegularizationSpec -> DropoutSpec
        assertReported(original, d -> properties(d, "DropoutSpec").remove("residual"), "DropoutSpec", "residual");
        // a property the record does not have
        assertReported(original, d -> properties(d, "StepMetrics").putObject("tokens_per_watt")
                .put("type", "number").put("description", "stale"), "StepMetrics", "tokens_per_watt");
        // an enum value dropped
        assertReported(original, d -> removeText((ArrayNode) properties(d, "StopRequested").path("reason").path("enum"),
                "non_finite"), "StopRequested", "non_finite");
        // an envelope field no longer required
        assertReported(original, d -> removeText((ArrayNode) schema(d, "RunFailed").path("required"), "event_id"),
                "RunFailed", "event_id");
        // an event that no channel carries
        assertReported(original, d -> ((ObjectNode) d.path("channels").path("control").path("messages"))
                .remove("CancelRequested"), "CancelRequested", "channel");
        // a nullable field documented as non-null
        assertReported(original, d -> ((ObjectNode) properties(d, "RunCompleted").path("best_step")).put("type", "integer"),
                "RunCompleted", "best_step");
        // a default that is not the code's
        assertReported(original, d -> ((ObjectNode) properties(d, "ModelSpec").path("width")).put("default", 256),
                "ModelSpec", "width");
        // a whole schema gone
        assertReported(original, d -> ((ObjectNode) d.path("components").path("schemas")).remove("EarlyStoppingSpec"),
                "EarlyStoppingSpec", "missing");
    }

    @Test
    void sampleEventsOnTheWireMatchTheirSchemas() {
        JsonNode doc = load();
        List<Event> samples = new ArrayList<>(SampleEvents.all());
        // a diverged run: Jackson writes non-finite doubles as strings
        samples.add(StepMetricsBuilder.builder().runId("r1").eventId("e11").timestamp(SampleEvents.T).step(7).loss(Double.NaN)
                .crossEntropy(Double.POSITIVE_INFINITY).learningRate(1e-3).gradNorm(Double.NEGATIVE_INFINITY).tokensPerSecond(1)
                .stepSeconds(1).tokensSeen(1).build());
        List<String> problems = new ArrayList<>();
        for (Event event : samples) {
            JsonNode wire = Json.mapper().valueToTree(event);
            validate(doc, wire, "/components/schemas/" + event.type(), event.type(), problems);
        }
        assertTrue(problems.isEmpty(), "events as Json writes them do not match " + DOCUMENT + ":\n  "
                + String.join("\n  ", problems));
    }

    @Test
    void everyRecordOfTheRunSpecIsReachedByTheChecker() {
        Set<String> names = reachableRecords().keySet();
        for (String spec : List.of("RunSpec", "DataSpec", "TokenizerSpec", "AugmentationSpec", "ModelSpec",
                "RegularizationSpec", "DropoutSpec", "OptimizerSpec", "TrainingSpec", "EarlyStoppingSpec", "EvaluationSpec")) {
            assertTrue(names.contains(spec), spec + " not reached from the events; reached: " + names);
        }
        // the events, the 11 records of the run spec, and AshaSchedule (RunRequested.asha, TrialEvaluated.schedule)
        assertTrue(names.contains("AshaSchedule"), "AshaSchedule not reached from the events; reached: " + names);
        assertEquals(Event.class.getPermittedSubclasses().length + 11 + 1, names.size(), names.toString());
    }

    // ------------------------------------------------------------------------------------ checker

    /** Every disagreement between the document and the records, in words; empty when they agree. */
    static List<String> check(JsonNode doc) {
        List<String> problems = new ArrayList<>();
        JsonNode schemas = doc.path("components").path("schemas");
        Map<String, Class<?>> records = reachableRecords();
        for (Class<?> record : records.values()) {
            checkRecord(record, schemas, problems);
        }
        for (Class<?> event : Event.class.getPermittedSubclasses()) {
            checkEvent(event, doc, problems);
        }
        checkCloudEventTypes(doc, problems);
        checkChannels(doc, problems);
        checkDefaults(schemas, "RunSpec", Json.mapper().valueToTree(RunSpec.defaults()), problems, new TreeSet<>());
        return problems;
    }

    /** The events and, recursively, every record type in their components, by simple name. */
    static Map<String, Class<?>> reachableRecords() {
        Map<String, Class<?>> found = new LinkedHashMap<>();
        for (Class<?> event : Event.class.getPermittedSubclasses()) {
            collect(event, found);
        }
        return found;
    }

    private static void collect(Class<?> type, Map<String, Class<?>> found) {
        if (!type.isRecord()) {
            return;
        }
        Class<?> earlier = found.putIfAbsent(type.getSimpleName(), type);
        if (earlier != null) {
            if (earlier != type) {
                throw new IllegalStateException("two records named " + type.getSimpleName() + ": " + earlier + ", " + type);
            }
            return;
        }
        for (RecordComponent c : type.getRecordComponents()) {
            collect(c.getType(), found);
            Class<?> element = elementType(c.getGenericType());
            if (element != null) {
                collect(element, found);
            }
        }
    }

    private static void checkRecord(Class<?> record, JsonNode schemas, List<String> problems) {
        String name = record.getSimpleName();
        String where = "components.schemas." + name;
        JsonNode schema = schemas.path(name);
        if (!schema.isObject()) {
            problems.add(where + " is missing (record " + record.getName() + ")");
            return;
        }
        boolean event = Event.class.isAssignableFrom(record);
        if (!"object".equals(schema.path("type").asText())) {
            problems.add(where + ".type must be object");
        }
        if (schema.path("description").asText().isBlank()) {
            problems.add(where + " has no description");
        }
        JsonNode properties = schema.path("properties");
        Set<String> expected = new LinkedHashSet<>();
        if (event) {
            expected.add("type");
        }
        for (RecordComponent c : record.getRecordComponents()) {
            String snake = snake(c.getName());
            String jackson = new PropertyNamingStrategies.SnakeCaseStrategy().translate(c.getName());
            if (!snake.equals(jackson)) {
                problems.add(name + "." + c.getName() + ": the snake rule gives '" + snake + "' but Jackson writes '"
                        + jackson + "'; rename the component");
            }
            expected.add(snake);
        }
        Set<String> actual = new LinkedHashSet<>();
        properties.fieldNames().forEachRemaining(actual::add);
        for (String missing : minus(expected, actual)) {
            problems.add(where + ".properties lacks '" + missing + "' (component of record " + name + ")");
        }
        for (String stale : minus(actual, expected)) {
            problems.add(where + ".properties has '" + stale + "', which record " + name + " does not have");
        }
        for (RecordComponent c : record.getRecordComponents()) {
            JsonNode property = properties.path(snake(c.getName()));
            if (property.isObject()) {
                checkProperty(where + ".properties." + snake(c.getName()), c, property, event, problems);
            }
        }
        for (JsonNode required : schema.path("required")) {
            if (!actual.contains(required.asText())) {
                problems.add(where + ".required names '" + required.asText() + "', which is no property");
            }
        }
    }

    private static void checkProperty(String where, RecordComponent c, JsonNode property, boolean event,
                                      List<String> problems) {
        Class<?> raw = c.getType();
        if (raw.isRecord()) {
            // {$ref}, or for a record that may be null {oneOf: [{$ref}, {type: 'null'}]}: in draft 7 a $ref has no siblings
            String ref = SCHEMAS + raw.getSimpleName();
            JsonNode oneOf = property.path("oneOf");
            boolean nullableRef = oneOf.size() == 2 && ref.equals(oneOf.get(0).path("$ref").asText())
                    && types(oneOf.get(1)).equals(Set.of("null"));
            if (!ref.equals(property.path("$ref").asText()) && !nullableRef) {
                problems.add(where + " must be {$ref: '" + ref + "'} or {oneOf: [{$ref: '" + ref + "'}, {type: 'null'}]}, was "
                        + property);
            }
            return;
        }
        if (property.path("description").asText().isBlank()) {
            problems.add(where + " has no description");
        }
        String base = jsonType(raw);
        if (base == null) {
            problems.add(where + ": the checker knows no JSON type for " + c.getGenericType().getTypeName());
            return;
        }
        boolean boxed = !raw.isPrimitive() && (Number.class.isAssignableFrom(raw) || raw == Boolean.class);
        boolean eventDouble = event && (raw == double.class || raw == Double.class);
        Set<String> types = types(property);
        Set<String> required = new TreeSet<>(List.of(base));
        Set<String> allowed = new TreeSet<>(List.of(base));
        if (boxed) {
            required.add("null");
        }
        if (!raw.isPrimitive()) {
            allowed.add("null");
        }
        if (eventDouble) {
            required.add("string");
            allowed.add("string");
            if (!NON_FINITE_PATTERN.equals(property.path("pattern").asText())) {
                problems.add(where + " must have pattern '" + NON_FINITE_PATTERN
                        + "' (Jackson writes non-finite doubles as those strings)");
            }
        }
        if (!types.containsAll(required) || !allowed.containsAll(types)) {
            problems.add(where + ".type must be " + (required.size() == 1 ? required.iterator().next() : required)
                    + (allowed.equals(required) ? "" : " (" + minus(allowed, required) + " allowed)")
                    + " for " + c.getGenericType().getTypeName() + " " + c.getName() + ", was " + types);
        }
        if (raw == Instant.class && !"date-time".equals(property.path("format").asText())) {
            problems.add(where + ".format must be date-time for an Instant");
        }
        if (raw.isEnum()) {
            Set<String> constants = new LinkedHashSet<>();
            for (Object constant : raw.getEnumConstants()) {
                constants.add(((Enum<?>) constant).name().toLowerCase(Locale.ROOT));
            }
            Set<String> listed = new LinkedHashSet<>();
            boolean nullListed = false;
            for (JsonNode value : property.path("enum")) {
                if (value.isNull()) {
                    nullListed = true;
                } else {
                    listed.add(value.asText());
                }
            }
            for (String missing : minus(constants, listed)) {
                problems.add(where + ".enum lacks '" + missing + "' (constant of " + raw.getSimpleName() + ")");
            }
            for (String stale : minus(listed, constants)) {
                problems.add(where + ".enum has '" + stale + "', which " + raw.getSimpleName() + " does not have");
            }
            if (nullListed != types.contains("null")) {
                problems.add(where + ".enum must list null exactly when the type admits null");
            }
        }
        Class<?> element = elementType(c.getGenericType());
        if (element != null) {
            JsonNode items = property.path("items");
            if (element.isRecord()) {
                if (!(SCHEMAS + element.getSimpleName()).equals(items.path("$ref").asText())) {
                    problems.add(where + ".items must be {$ref: '" + SCHEMAS + element.getSimpleName() + "'}");
                }
            } else if (!types(items).contains(jsonType(element))) {
                problems.add(where + ".items.type must be " + jsonType(element));
            }
        }
    }

    private static void checkEvent(Class<?> event, JsonNode doc, List<String> problems) {
        String name = event.getSimpleName();
        JsonNode schema = doc.path("components").path("schemas").path(name);
        if (schema.isObject()) {
            String where = "components.schemas." + name;
            if (!name.equals(schema.path("properties").path("type").path("const").asText())) {
                problems.add(where + ".properties.type.const must be '" + name + "'");
            }
            Set<String> required = new LinkedHashSet<>();
            schema.path("required").forEach(r -> required.add(r.asText()));
            for (String envelope : EVENT_ENVELOPE) {
                if (!required.contains(envelope)) {
                    problems.add(where + ".required lacks '" + envelope + "'");
                }
            }
            // Json writes every field, nulls included, so every property of an event is always present
            Set<String> properties = new LinkedHashSet<>();
            schema.path("properties").fieldNames().forEachRemaining(properties::add);
            Set<String> optional = minus(properties, required);
            if (!optional.isEmpty()) {
                problems.add(where + ".required lacks " + optional + " (Json writes every field of an event)");
            }
        }
        String where = "components.messages." + name;
        JsonNode message = doc.path("components").path("messages").path(name);
        if (!message.isObject()) {
            problems.add(where + " is missing (event " + event.getName() + ")");
        } else {
            if (!(SCHEMAS + name).equals(message.path("payload").path("$ref").asText())) {
                problems.add(where + ".payload must be {$ref: '" + SCHEMAS + name + "'}");
            }
            if (!(SCHEMAS + "CloudEventHeaders").equals(message.path("headers").path("$ref").asText())) {
                problems.add(where + ".headers must be {$ref: '" + SCHEMAS + "CloudEventHeaders'}");
            }
        }
        List<String> carriers = new ArrayList<>();
        for (Map.Entry<String, JsonNode> channel : fields(doc.path("channels"))) {
            for (Map.Entry<String, JsonNode> m : fields(channel.getValue().path("messages"))) {
                if ((MESSAGES + name).equals(m.getValue().path("$ref").asText())) {
                    carriers.add("#/channels/" + channel.getKey() + "/messages/" + m.getKey());
                }
            }
        }
        if (carriers.isEmpty()) {
            problems.add("event " + name + " is in no channel's messages");
            return;
        }
        boolean sent = false;
        for (Map.Entry<String, JsonNode> op : fields(doc.path("operations"))) {
            if ("send".equals(op.getValue().path("action").asText())) {
                for (JsonNode m : op.getValue().path("messages")) {
                    sent |= carriers.contains(m.path("$ref").asText());
                }
            }
        }
        if (!sent) {
            problems.add("event " + name + " is sent by no operation (a send operation must list one of " + carriers + ")");
        }
    }

    private static void checkCloudEventTypes(JsonNode doc, List<String> problems) {
        Set<String> listed = new LinkedHashSet<>();
        doc.path("components").path("schemas").path("CloudEventHeaders").path("properties").path("ce_type").path("enum")
                .forEach(v -> listed.add(v.asText()));
        Set<String> events = new LinkedHashSet<>();
        for (Class<?> event : Event.class.getPermittedSubclasses()) {
            events.add(event.getSimpleName());
        }
        if (!listed.equals(events)) {
            problems.add("components.schemas.CloudEventHeaders.properties.ce_type.enum must be " + events + ", was " + listed);
        }
    }

    private static void checkChannels(JsonNode doc, List<String> problems) {
        Map<String, JsonNode> byAddress = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> channel : fields(doc.path("channels"))) {
            byAddress.put(channel.getValue().path("address").asText(), channel.getValue());
        }
        Set<String> expected = new LinkedHashSet<>(Topics.STATIC);
        for (String topic : Topics.STATIC) {
            JsonNode channel = byAddress.get(topic);
            if (channel == null) {
                problems.add("no channel has address '" + topic + "' (Topics.STATIC)");
            } else if (channel.path("bindings").path("kafka").path("partitions").asInt() != Topics.STATIC_PARTITIONS) {
                problems.add("channel '" + topic + "' must have bindings.kafka.partitions " + Topics.STATIC_PARTITIONS);
            }
        }
        for (String prefix : List.of(Topics.BATCHES_PREFIX, Topics.HELDOUT_PREFIX)) {
            String address = prefix + "{runId}";
            expected.add(address);
            JsonNode channel = byAddress.get(address);
            if (channel == null) {
                problems.add("no channel has address '" + address + "'");
            } else if (channel.path("parameters").path("runId").isMissingNode()) {
                problems.add("channel '" + address + "' must declare parameter runId");
            }
        }
        for (String stale : minus(byAddress.keySet(), expected)) {
            problems.add("channel address '" + stale + "' is no topic of Topics");
        }
    }

    /** Every leaf property of the run spec has a default, equal to what RunSpec.defaults() writes. */
    private static void checkDefaults(JsonNode schemas, String name, JsonNode value, List<String> problems, Set<String> seen) {
        if (!seen.add(name)) {
            return;
        }
        for (Map.Entry<String, JsonNode> p : fields(schemas.path(name).path("properties"))) {
            String where = "components.schemas." + name + ".properties." + p.getKey();
            JsonNode property = p.getValue();
            JsonNode actual = value.path(p.getKey());
            String ref = property.path("$ref").asText();
            if (ref.startsWith(SCHEMAS)) {
                checkDefaults(schemas, ref.substring(SCHEMAS.length()), actual, problems, seen);
            } else if (!property.has("default")) {
                problems.add(where + " has no default (RunSpec.defaults() has " + actual + ")");
            } else if (!sameValue(property.get("default"), actual)) {
                problems.add(where + ".default is " + property.get("default") + " but RunSpec.defaults() has " + actual);
            }
        }
    }

    // ------------------------------------------------------------------- JSON Schema validation

    /**
     * Checks a wire value against the document's schema {@code pointer} (e.g. /components/schemas/RunFailed)
     * with a JSON Schema validator (networknt, draft 7, the dialect AsyncAPI 3.0's default schema format
     * extends): the schema is the document's components with a root {@code $ref} to it, so every $ref inside resolves.
     */
    private static void validate(JsonNode doc, JsonNode value, String pointer, String path, List<String> problems) {
        if (doc.at(pointer).isMissingNode()) {
            problems.add(path + ": no schema at " + pointer);
            return;
        }
        ObjectNode root = Json.mapper().createObjectNode(); // the components only: AsyncAPI's own root keys are no schema
        root.set("components", doc.path("components").deepCopy());
        if (root.at(pointer) instanceof ObjectNode written && !written.has("additionalProperties")) {
            // events admit unknown fields when read (forward compatibility), but we write only documented ones
            written.put("additionalProperties", false);
        }
        root.put("$ref", "#" + pointer);
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7).getSchema(root);
        for (com.networknt.schema.Error e : schema.validate(value)) {
            problems.add(path + ": " + e);
        }
    }

    // ------------------------------------------------------------------------------------ helpers

    static JsonNode load() {
        Path absolute = DOCUMENT.toAbsolutePath().normalize();
        if (!Files.isRegularFile(DOCUMENT)) {
            fail("the AsyncAPI document is missing: expected " + absolute
                    + " (docs/asyncapi.yaml at the repository root; tests run in the contracts module directory)");
        }
        try {
            JsonNode doc = new YAMLMapper().readTree(DOCUMENT.toFile());
            if (doc == null || !doc.isObject() || !"3.0.0".equals(doc.path("asyncapi").asText())) {
                fail(absolute + " is not an AsyncAPI 3.0.0 document");
            }
            return doc;
        } catch (IOException e) {
            return fail("cannot read " + absolute + ": " + e.getMessage(), e);
        }
    }

    /** The same rule as SpecBinder.snake. */
    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static String jsonType(Class<?> type) {
        if (type == int.class || type == long.class || type == short.class || type == byte.class
                || type == Integer.class || type == Long.class || type == Short.class || type == Byte.class) {
            return "integer";
        }
        if (type == double.class || type == float.class || type == Double.class || type == Float.class) {
            return "number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "boolean";
        }
        if (type == String.class || type == Instant.class || type.isEnum()) {
            return "string";
        }
        if (Collection.class.isAssignableFrom(type) || type.isArray()) {
            return "array";
        }
        if (type.isRecord()) {
            return "object";
        }
        return null;
    }

    private static Class<?> elementType(Type generic) {
        if (generic instanceof ParameterizedType p && p.getRawType() instanceof Class<?> raw
                && Collection.class.isAssignableFrom(raw) && p.getActualTypeArguments()[0] instanceof Class<?> element) {
            return element;
        }
        return null;
    }

    private static Set<String> types(JsonNode schema) {
        Set<String> types = new TreeSet<>();
        JsonNode type = schema.path("type");
        if (type.isTextual()) {
            types.add(type.asText());
        }
        type.forEach(t -> types.add(t.asText()));
        return types;
    }

    private static boolean sameValue(JsonNode a, JsonNode b) {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        return a.equals(b);
    }

    private static Set<String> minus(Set<String> a, Set<String> b) {
        Set<String> result = new LinkedHashSet<>(a);
        result.removeAll(b);
        return result;
    }

    private static List<Map.Entry<String, JsonNode>> fields(JsonNode node) {
        List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            fields.add(it.next());
        }
        return fields;
    }

    private static JsonNode schema(JsonNode doc, String name) {
        return doc.path("components").path("schemas").path(name);
    }

    private static ObjectNode properties(JsonNode doc, String name) {
        return (ObjectNode) schema(doc, name).path("properties");
    }

    private static void removeText(ArrayNode array, String text) {
        for (int i = array.size() - 1; i >= 0; i--) {
            if (text.equals(array.get(i).asText())) {
                array.remove(i);
            }
        }
    }

    private static void assertReported(JsonNode original, Consumer<ObjectNode> mutation, String... words) {
        ObjectNode copy = original.deepCopy();
        mutation.accept(copy);
        List<String> problems = check(copy);
        assertTrue(problems.stream().anyMatch(p -> Arrays.stream(words).allMatch(p::contains)),
                "a mutated document must be reported with " + Arrays.toString(words) + ", got " + problems);
    }
}
