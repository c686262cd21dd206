package org.overfitguard.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormKind;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;

/**
 * Our blocks against values computed once, from the equations, by an independent numpy
 * implementation (golden/make_golden.py, float64; the JSON beside it is its output): attention, the
 * MLP, pre-LN, post-LN and pre-RMSNorm blocks, and whole models' logits (tied and untied). Every
 * parameter is set from the file by name, so a renamed, missing or extra parameter fails too.
 * Tolerance: |ours - reference| <= 1e-5 + 1e-4 |reference| (float32 against float64).
 */
class GoldenValuesTest {

    private static final double ABSOLUTE = 1e-5;
    private static final double RELATIVE = 1e-4;
    private static final JsonNode GOLDEN = load();

    static Stream<String> cases() {
        Iterable<String> names = () -> GOLDEN.path("cases").fieldNames();
        return java.util.stream.StreamSupport.stream(names.spliterator(), false);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void ourForwardPassMatchesTheReference(String name) {
        JsonNode c = GOLDEN.path("cases").path(name);
        JsonNode dims = GOLDEN.path("dims");
        int width = dims.path("C").asInt();
        int heads = dims.path("H").asInt();
        int vocab = dims.path("V").asInt();
        int time = dims.path("T").asInt();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            NDArray actual;
            if (name.startsWith("model_")) {
                GptConfig config = new GptConfig(vocab, modelSpec(c, c.path("layers").asInt(), heads, width, time),
                        DropoutSpec.of(0, 0, 0), c.path("tied").asBoolean());
                try (GptModel model = GptModel.create(config, Device.cpu(), 1)) {
                    setParameters(model.parameters().stream().map(p -> new Pair<>(p.name(), p.parameter())).toList(), c);
                    actual = model.logits(ids(manager, c.path("ids")), false);
                    compare(name, c.path("output"), actual);
                }
                return;
            }
            Block block = switch (name) {
                case "attention" -> new CausalSelfAttention(blockConfig(vocab, heads, width, time));
                case "mlp" -> new Mlp(blockConfig(vocab, heads, width, time));
                default -> new TransformerBlock(new GptConfig(vocab, modelSpec(c, 1, heads, width, time), DropoutSpec.of(0, 0, 0),
                        true));
            };
            NDArray x = tensor(manager, c.path("input"));
            block.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, x.getShape());
            setParameters(block.getParameters().stream().map(p -> new Pair<>(p.getKey(), p.getValue())).toList(), c);
            actual = block.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
            compare(name, c.path("output"), actual);
        }
    }

    /** One layer of the given shape, no dropout: what attention and the MLP read from a config. */
    private static GptConfig blockConfig(int vocab, int heads, int width, int time) {
        return new GptConfig(vocab, ModelSpec.of(1, heads, width, time), DropoutSpec.of(0, 0, 0), true);
    }

    private static ModelSpec modelSpec(JsonNode c, int layers, int heads, int width, int blockSize) {
        return ModelSpec.of(layers, heads, width, blockSize).withNorm(
                NormPlacement.valueOf(c.path("placement").asText().toUpperCase(Locale.ROOT)),
                NormKind.valueOf(c.path("norm_kind").asText().toUpperCase(Locale.ROOT)));
    }

    /** Sets each of the block's parameters from the file; the two name sets must be equal. */
    private static void setParameters(java.util.List<Pair<String, Parameter>> parameters, JsonNode c) {
        Map<String, Parameter> ours = new TreeMap<>();
        for (Pair<String, Parameter> p : parameters) {
            ours.put(withoutChildNumbers(p.getKey()), p.getValue());
        }
        TreeSet<String> theirs = new TreeSet<>();
        c.path("params").fieldNames().forEachRemaining(theirs::add);
        assertEquals(theirs, ours.keySet(), "parameter names (DJL's child numbers removed)");
        for (Map.Entry<String, Parameter> p : ours.entrySet()) {
            JsonNode t = c.path("params").path(p.getKey());
            NDArray array = p.getValue().getArray();
            assertEquals(new Shape(longs(t.path("shape"))), array.getShape(), p.getKey());
            array.set(floats(t.path("data")));
        }
    }

    /** 02h0_01ln1_gamma -> h0_ln1_gamma: DJL numbers child blocks in the order they were added. */
    static String withoutChildNumbers(String name) {
        return name.replaceAll("(^|_)\\d\\d", "$1");
    }

    private static void compare(String name, JsonNode expected, NDArray actual) {
        assertEquals(new Shape(longs(expected.path("shape"))), actual.getShape(), name + ": shape");
        float[] ours = actual.toFloatArray();
        JsonNode data = expected.path("data");
        double worst = 0;
        for (int i = 0; i < ours.length; i++) {
            double e = data.get(i).asDouble();
            double error = Math.abs(ours[i] - e);
            worst = Math.max(worst, error);
            if (!(error <= ABSOLUTE + RELATIVE * Math.abs(e))) {
                fail(String.format(Locale.ROOT, "%s: element %d is %.7f, the reference %.7f (error %.2e)", name, i, ours[i], e, error));
            }
        }
        assertTrue(worst < 1e-3, name + ": worst error " + worst);
    }

    private static NDArray tensor(NDManager manager, JsonNode t) {
        return manager.create(floats(t.path("data")), new Shape(longs(t.path("shape"))));
    }

    private static NDArray ids(NDManager manager, JsonNode rows) {
        int b = rows.size();
        int t = rows.get(0).size();
        long[] ids = new long[b * t];
        for (int i = 0; i < b; i++) {
            for (int j = 0; j < t; j++) {
                ids[i * t + j] = rows.get(i).get(j).asLong();
            }
        }
        return manager.create(ids, new Shape(b, t));
    }

    private static float[] floats(JsonNode data) {
        float[] values = new float[data.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) data.get(i).asDouble();
        }
        return values;
    }

    private static long[] longs(JsonNode data) {
        long[] values = new long[data.size()];
        Iterator<JsonNode> it = data.elements();
        for (int i = 0; it.hasNext(); i++) {
            values[i] = it.next().asLong();
        }
        return values;
    }

    private static JsonNode load() {
        try (InputStream in = GoldenValuesTest.class.getResourceAsStream("/golden/golden.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new IllegalStateException("golden/golden.json: " + e.getMessage(), e);
        }
    }
}
