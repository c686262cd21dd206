package org.overfitguard.contracts.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.cfg.EnumFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * The one JSON configuration of the wire: snake_case field names, lowercase enum values, ISO-8601
 * timestamps. Run specs embedded in events are bound through {@link RunSpecs}, so a spec is never
 * accepted half-filled or out of range from any direction.
 */
public final class Json {

    /**
     * What one document may hold. Every byte arrives from someone careless or hostile, so parsing
     * stops early and cheaply: a spec nests 3 deep and an event 4, no number we read needs more
     * than a few dozen digits, and no string more than a sample text.
     */
    public static final int MAX_NESTING = 32;
    public static final int MAX_NUMBER_CHARS = 64;
    public static final int MAX_STRING_CHARS = 1 << 20;
    public static final long MAX_DOCUMENT_CHARS = 8L << 20;

    private static final StreamReadConstraints LIMITS = StreamReadConstraints.builder()
            .maxNestingDepth(MAX_NESTING).maxNumberLength(MAX_NUMBER_CHARS).maxStringLength(MAX_STRING_CHARS)
            .maxNameLength(1024).maxDocumentLength(MAX_DOCUMENT_CHARS).build();

    private static final ObjectMapper JSON = configure(JsonMapper.builder(JsonFactory.builder()
            .streamReadConstraints(LIMITS).build()).build());
    private static final ObjectMapper YAML = configure(YAMLMapper.builder(YAMLFactory.builder()
            .loaderOptions(yamlLoaderOptions()).streamReadConstraints(LIMITS).build()
            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)).build());

    private Json() {
    }

    public static ObjectMapper mapper() {
        return JSON;
    }

    public static ObjectMapper yaml() {
        return YAML;
    }

    public static String write(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    public static <T> T read(String text, Class<T> type) {
        try {
            return JSON.readValue(text, type);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a valid " + type.getSimpleName() + ": " + e.getOriginalMessage(), e);
        }
    }

    /**
     * The wire's written form on another mapper (the services' REST APIs): snake_case names,
     * lowercase enums, ISO-8601 times, so a spec or an event reads the same over HTTP as on Kafka.
     */
    public static ObjectMapper writeLikeTheWire(ObjectMapper mapper) {
        mapper.setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE);
        mapper.registerModule(new JavaTimeModule());
        mapper.configure(EnumFeature.WRITE_ENUMS_TO_LOWERCASE, true);
        mapper.disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
        return mapper;
    }

    private static ObjectMapper configure(ObjectMapper mapper) {
        SimpleModule specs = new SimpleModule("run-spec");
        specs.addDeserializer(RunSpec.class, new RunSpecDeserializer());
        writeLikeTheWire(mapper);
        mapper.registerModule(specs);
        mapper.disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE);
        // events evolve by adding fields: a reader ignores what it does not know (run specs stay strict)
        mapper.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.configure(MapperFeature.ACCEPT_CASE_INSENSITIVE_ENUMS, true);
        // strict documents: {"seed":1,"seed":2} or {"seed":1} junk are refused, not read as the last or first value
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        return mapper;
    }

    private static LoaderOptions yamlLoaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setNestingDepthLimit(MAX_NESTING);
        options.setCodePointLimit((int) MAX_DOCUMENT_CHARS);
        options.setMaxAliasesForCollections(10);
        options.setAllowDuplicateKeys(false);
        return options;
    }

    private static final class RunSpecDeserializer extends JsonDeserializer<RunSpec> {
        @Override
        public RunSpec deserialize(JsonParser parser, DeserializationContext context) throws IOException {
            JsonNode tree = context.readTree(parser); // the subtree only: trailing-token checks belong to the whole document
            return RunSpecs.fromTree(tree);
        }
    }
}
