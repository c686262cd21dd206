package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.eval.TextSampler;
import org.overfitguard.lm.export.ModelCard;
import org.overfitguard.lm.export.ModelExport;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.TrainingSession;

/**
 * Our export read by the reference implementation itself, and the reverse, with pip's
 * {@code torch} and {@code transformers} (scripts/install-test-tools.sh makes the virtual
 * environment): {@code GPT2LMHeadModel.from_pretrained} on our export computes our logits within
 * 1e-5 and generates our greedy text; a model {@code transformers} creates and saves loads into ours
 * with its logits. Skipped, saying why, only where the environment could not be made.
 */
class TransformersRoundTripTest {

    static final int[] IDS = {3, 1, 4, 1, 5, 9, 2, 6};
    static final int[] PROMPT = {2, 7};

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"tied", "untied", "no-bias"})
    void ourExportLoadsInTransformersWithOurLogitsAndOurGreedyText(String form) throws Exception {
        boolean tied = !form.equals("untied");
        try (GptModel model = trained(tied, !form.equals("no-bias"))) {
            Path out = dir.resolve(form);
            ModelExport.write(model, dataset(), card(tied), out);
            Map<String, JsonNode> theirs = python("load", out.toString(), csv(IDS), csv(PROMPT), String.valueOf(Fixtures.T - PROMPT.length));
            assertClose(logits(model, IDS), flat(theirs.get("logits")), "transformers on our export, " + form);
            if (form.equals("no-bias")) {
                try (GptModel back = ModelExport.read(out, Device.cpu())) {
                    assertEquals(false, back.config().model().bias(), "read back without biases");
                    assertEquals(model.parameterCount(), back.parameterCount());
                    assertClose(logits(model, IDS), logits(back, IDS), "our own read of the no-bias export");
                }
            }
            int[] ours = TextSampler.sample(model, PROMPT, Fixtures.T - PROMPT.length, 0, 1);
            int[] generated = new int[theirs.get("generated").size()];
            for (int i = 0; i < generated.length; i++) {
                generated[i] = theirs.get("generated").get(i).asInt();
            }
            assertArrayEquals(Arrays.copyOfRange(ours, PROMPT.length, ours.length), generated, "greedy generation, " + form);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aModelTransformersSavedLoadsIntoOursWithItsLogits(boolean tied) throws Exception {
        Path saved = dir.resolve("hf-" + tied);
        Map<String, JsonNode> theirs = python("create", saved.toString(), String.valueOf(Fixtures.V), String.valueOf(Fixtures.T),
                String.valueOf(tied), csv(IDS));
        try (GptModel ours = ModelExport.read(saved, Device.cpu())) {
            assertEquals(tied, ours.config().weightTying());
            assertClose(flat(theirs.get("logits")), logits(ours, IDS), "ours on transformers' save_pretrained, tied=" + tied);
        }
    }

    @Test
    void aConfigOfAnotherFunctionIsRefusedNamingTheField() throws Exception {
        try (GptModel model = trained(true)) {
            Path out = dir.resolve("gelu-new");
            ModelExport.write(model, dataset(), card(true), out);
            Path config = out.resolve(ModelExport.CONFIG);
            Files.writeString(config, Files.readString(config).replace("\"gelu\"", "\"gelu_new\""));
            IOException e = assertThrows(IOException.class, () -> ModelExport.read(out, Device.cpu()));
            assertTrue(e.getMessage().contains("activation_function gelu_new"), e.getMessage());
        }
    }

    private static void assertClose(float[] expected, float[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double worst = 0;
        for (int i = 0; i < expected.length; i++) {
            worst = Math.max(worst, Math.abs(expected[i] - actual[i]));
        }
        System.out.printf("[transformers] %s: largest logit difference %.2e over %d logits%n", what, worst, expected.length);
        assertTrue(worst <= 1e-5, what + ": logits differ by " + worst);
    }

    private GptModel trained(boolean tied) {
        return trained(tied, true);
    }

    private GptModel trained(boolean tied, boolean bias) {
        GptModel model = Fixtures.model(Fixtures.tiny(org.overfitguard.contracts.spec.ModelSpec.of(2, 2, 32, Fixtures.T).withBias(bias),
                org.overfitguard.contracts.spec.DropoutSpec.of(0, 0, 0), tied), 13);
        TrainingSession session = TrainingSession.fresh(model, spec(tied));
        for (int k = 0; k < 3; k++) {
            session.train(Fixtures.batch(k, 4, k));
        }
        return model;
    }

    private static RunSpec spec(boolean tied) {
        return Fixtures.spec("regularization: {weight_tying: " + tied + "}\n");
    }

    private static ModelCard card(boolean tied) {
        return new ModelCard("hf-test", spec(tied), dataset(), 3, true, "cpu()", null, null, null, null, "abc123");
    }

    private static DatasetPrepared dataset() {
        List<String> vocabulary = new ArrayList<>(List.of("<unk>", "<mask>"));
        for (char c = 'a'; vocabulary.size() < Fixtures.V; c++) {
            vocabulary.add(String.valueOf(c));
        }
        return DatasetPreparedBuilder.builder().runId("hf-test").eventId("e1").timestamp(Instant.EPOCH)
                .tokenizer("char").vocabSize(Fixtures.V).vocabulary(vocabulary).unknownTokenId(0).maskTokenId(1)
                .documents(1).corpusChars(100).trainTokens(80).heldOutTokens(20).heldOutRecords(1).heldOutWindows(1)
                .build();
    }

    private static float[] logits(GptModel model, int[] ids) {
        try (NDManager m = model.manager().newSubManager()) {
            return model.logits(model.ids(m, ids, 1, ids.length), false).toFloatArray();
        }
    }

    private static float[] flat(JsonNode rows) {
        List<Float> out = new ArrayList<>();
        rows.forEach(row -> row.forEach(v -> out.add(v.floatValue())));
        float[] a = new float[out.size()];
        for (int i = 0; i < a.length; i++) {
            a[i] = out.get(i);
        }
        return a;
    }

    private static String csv(int[] ids) {
        return Arrays.stream(ids).mapToObj(String::valueOf).collect(Collectors.joining(","));
    }

    /** The virtual environment scripts/install-test-tools.sh makes: pip's torch and transformers. */
    static Path venvPython() {
        String dir = System.getenv().getOrDefault("OVERFITGUARD_TEST_VENV", System.getProperty("user.home") + "/.cache/overfit-guard/test-venv");
        return Path.of(dir, "bin", "python");
    }

    private static Map<String, JsonNode> python(String... args) throws Exception {
        Path python = venvPython();
        Assumptions.assumeTrue(Files.isExecutable(python), "no " + python + ": scripts/install-test-tools.sh makes it with pip (torch,"
                + " transformers, safetensors); where pip cannot install them, these tests skip");
        List<String> command = new ArrayList<>(List.of(python.toString(),
                Path.of("").toAbsolutePath().resolve("src/test/python/transformers_roundtrip.py").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, JsonNode> out = new LinkedHashMap<>();
        StringBuilder log = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                int eq = line.indexOf('=');
                if (eq > 0 && (line.startsWith("logits=") || line.startsWith("generated="))) {
                    out.put(line.substring(0, eq), Json.mapper().readTree(line.substring(eq + 1)));
                } else {
                    log.append(line).append('\n');
                }
            }
        }
        assertEquals(0, p.waitFor(), "transformers_roundtrip.py " + args[0] + " failed:\n" + log);
        return out;
    }
}
