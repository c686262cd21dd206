package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.export.ModelCard;
import org.overfitguard.lm.export.ModelExport;
import org.overfitguard.lm.export.SafeTensors;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.TrainingSession;

/**
 * Export to safetensors + config.json: the format as its specification writes it, the round trip
 * bit for bit, and the same logits from two implementations that are not ours: GPT-2's forward
 * written from the architecture in Python, and nanoGPT's model.py loaded by the README's snippet.
 */
class ModelExportTest {

    static final int[] IDS = {3, 1, 4, 1, 5, 9, 2, 6};

    @TempDir
    Path dir;

    @Test
    void theFileIsLaidOutAsTheFormatSays() throws IOException {
        Map<String, SafeTensors.Tensor> tensors = new LinkedHashMap<>();
        tensors.put("a", SafeTensors.Tensor.f32(new long[] {2, 3}, new float[] {1, 2, 3, 4, 5, -0.5f}));
        tensors.put("b.c", SafeTensors.Tensor.f32(new long[] {1}, new float[] {Float.MIN_VALUE}));
        tensors.put("empty", SafeTensors.Tensor.f32(new long[] {0, 4}, new float[0]));
        Path file = dir.resolve("t.safetensors");
        SafeTensors.write(file, tensors, Map.of("format", "pt"));

        byte[] raw = Files.readAllBytes(file);
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long n = b.getLong();
        assertEquals(0, (8 + n) % 8, "the data buffer starts 8-aligned");
        String header = new String(raw, 8, (int) n, StandardCharsets.UTF_8);
        assertTrue(header.startsWith("{") && header.stripTrailing().endsWith("}"), header);
        String padding = header.substring(header.stripTrailing().length());
        assertTrue(padding.length() < 8 && padding.chars().allMatch(c -> c == ' '), "padded with fewer than 8 spaces: '" + padding + "'");
        JsonNode h = Json.mapper().readTree(header.strip());
        assertEquals("pt", h.path("__metadata__").path("format").asText());
        assertEquals("F32", h.path("a").path("dtype").asText());
        assertEquals("[2,3]", h.path("a").path("shape").toString());
        assertEquals("[0,24]", h.path("a").path("data_offsets").toString());
        assertEquals("[24,28]", h.path("b.c").path("data_offsets").toString());
        assertEquals("[28,28]", h.path("empty").path("data_offsets").toString());
        assertEquals(8 + n + 28, raw.length, "nothing after the last tensor");
        b.position((int) (8 + n));
        assertEquals(1f, b.getFloat());
        b.position((int) (8 + n + 20));
        assertEquals(-0.5f, b.getFloat(), "little-endian, row-major");

        SafeTensors.Content back = SafeTensors.read(file);
        assertEquals(List.of("a", "b.c", "empty"), new ArrayList<>(back.tensors().keySet()));
        assertArrayEquals(new float[] {1, 2, 3, 4, 5, -0.5f}, back.tensors().get("a").floats());
        assertArrayEquals(new float[] {Float.MIN_VALUE}, back.tensors().get("b.c").floats());
        assertArrayEquals(new long[] {0, 4}, back.tensors().get("empty").shape());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}|needs 8",       // its shape needs 8 bytes
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}|starts at 4",      // a hole before it
            "{\"a\":{\"dtype\":\"F31\",\"shape\":[2],\"data_offsets\":[0,8]}}|dtype F31",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[-2],\"data_offsets\":[0,8]}}|dimension -2",
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"a\":{}}|not one JSON object", // duplicate key
            "{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}|starts at 0",
            "[1,2]|does not start with",
            "{\"__metadata__\":{\"x\":1},\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}}|not a string"})
    void aFileThatBreaksARuleIsRefusedWithTheRule(String caseAndReason) throws IOException {
        String[] parts = caseAndReason.split("\\|");
        Path file = dir.resolve("bad.safetensors");
        byte[] json = parts[0].getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + json.length + 8).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json).putFloat(1).putFloat(2);
        Files.write(file, b.array());
        IOException e = assertThrows(IOException.class, () -> SafeTensors.read(file));
        assertTrue(e.getMessage().contains(parts[1]), e.getMessage());
    }

    @Test
    void aTruncatedOrOversizedHeaderIsRefused() throws IOException {
        Path file = dir.resolve("short.safetensors");
        Files.write(file, new byte[] {1, 2, 3});
        assertTrue(assertThrows(IOException.class, () -> SafeTensors.read(file)).getMessage().contains("shorter"));
        ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1L).putLong(0);
        Files.write(file, b.array());
        assertTrue(assertThrows(IOException.class, () -> SafeTensors.read(file)).getMessage().contains("header length"));
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void aRoundTripGivesBitIdenticalTensorsAndLogits(boolean tied) throws IOException {
        try (GptModel model = trained(tied)) {
            Path out = export(model, tied);
            assertTrue(Files.isRegularFile(out.resolve(ModelExport.VOCAB)));
            assertEquals(tied, !SafeTensors.read(out.resolve(ModelExport.WEIGHTS)).tensors().containsKey("lm_head.weight"));
            try (GptModel back = ModelExport.read(out, Device.cpu())) {
                for (int i = 0; i < model.parameters().size(); i++) {
                    assertArrayEquals(model.parameters().get(i).array().toFloatArray(), back.parameters().get(i).array().toFloatArray(),
                            model.parameters().get(i).name());
                }
                assertArrayEquals(logits(model), logits(back));
            }
            List<ModelCard.FileEntry> again = ModelExport.write(model, dataset(), card(tied), out);
            assertEquals(ModelExport.files(out), again, "a second export of the same weights leaves the first");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void anIndependentImplementationAndNanoGptComputeTheSameLogits(boolean tied) throws Exception {
        try (GptModel model = trained(tied)) {
            Path out = export(model, tied);
            float[] ours = logits(model);
            Map<String, float[]> theirs = reference(out);
            assertTrue(theirs.containsKey("spec"), "the spec-level reference ran: " + theirs.keySet());
            for (Map.Entry<String, float[]> e : theirs.entrySet()) {
                assertEquals(ours.length, e.getValue().length, e.getKey());
                double worst = 0;
                for (int i = 0; i < ours.length; i++) {
                    worst = Math.max(worst, Math.abs(ours[i] - e.getValue()[i]));
                }
                System.out.printf("[export] tied=%s %s: largest logit difference %.2e over %d logits%n", tied, e.getKey(), worst, ours.length);
                assertTrue(worst <= 1e-5, e.getKey() + " differs by " + worst);
            }
            if (Files.isRegularFile(nanoGptDir().resolve("model.py"))) {
                assertTrue(theirs.containsKey("nanogpt"), "nanoGPT is there, so it must have been compared");
            }
        }
    }

    @Test
    void architecturesWithoutAGpt2FormAreRefusedWithTheReason() {
        ModelSpec base = ModelSpec.of(2, 2, 32, Fixtures.T);
        assertTrue(ModelExport.unsupported(base).isEmpty());
        assertTrue(ModelExport.unsupported(base.withNorm(NormPlacement.POST, ModelSpec.NormKind.LAYERNORM)).isEmpty(), "post-LN: same tensors");
        assertTrue(ModelExport.unsupported(base.withNorm(NormPlacement.PRE, ModelSpec.NormKind.RMSNORM)).orElseThrow().contains("rmsnorm"));
        assertTrue(ModelExport.unsupported(base.withNorm(NormPlacement.NONE, ModelSpec.NormKind.LAYERNORM)).orElseThrow().contains("norm none"));
        String both = ModelExport.unsupported(base.withResidual(false).withNorm(NormPlacement.NONE, ModelSpec.NormKind.RMSNORM)).orElseThrow();
        assertTrue(both.contains("residual false") && both.contains("norm none") && !both.contains("rmsnorm"), both);
    }

    @Test
    void theCardSaysHowItWasTrainedAndListsTheFilesWithTheirHashes() throws IOException {
        try (GptModel model = trained(true)) {
            Path out = export(model, true);
            String card = Files.readString(out.resolve(ModelExport.CARD));
            assertTrue(card.startsWith("---\nlibrary_name: overfit-guard\n"), card);
            for (String expected : List.of("label smoothing (uniform) | 0.1 |", "residual connections, normalization | on, pre-LN |", "On the held-out loss, patience 3", "weight decay (decoupled, AdamW) | 0.05 |",
                    "weight tying | on", "| `model.safetensors` | ",
                    ModelExport.sha256(out.resolve(ModelExport.WEIGHTS)), "checkpoint manifest SHA-256 | `abc123`",
                    "These weights were not scored", "```yaml")) {
                assertTrue(card.contains(expected), "card lacks " + expected + ":\n" + card);
            }
            assertFalse(card.substring(0, card.indexOf("## Run spec")).contains("null"), card);
            JsonNode config = Json.mapper().readTree(Files.readString(out.resolve(ModelExport.CONFIG)));
            assertEquals("gpt2", config.path("model_type").asText());
            assertEquals(Fixtures.V, config.path("vocab_size").asInt());
            assertEquals("gelu", config.path("activation_function").asText());
        }
    }

    private GptModel trained(boolean tied) {
        GptModel model = Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, tied), 11);
        // a few steps move every parameter (LayerNorm gains and biases start at 1 and 0), so each is checked
        TrainingSession session = TrainingSession.fresh(model, spec(tied));
        for (int k = 0; k < 3; k++) {
            session.train(Fixtures.batch(k, 4, k));
        }
        return model;
    }

    private static RunSpec spec(boolean tied) {
        return Fixtures.spec("regularization: {weight_decay: 0.05, label_smoothing: 0.1, weight_tying: " + tied + "}\n");
    }

    private Path export(GptModel model, boolean tied) throws IOException {
        Path out = dir.resolve(tied ? "tied" : "untied");
        ModelExport.write(model, dataset(), card(tied), out);
        return out;
    }

    private static ModelCard card(boolean tied) {
        return new ModelCard("export-test", spec(tied), dataset(), 3, true, "cpu()", null, null, null, null, "abc123");
    }

    private static DatasetPrepared dataset() {
        List<String> vocabulary = new ArrayList<>(List.of("<unk>", "<mask>"));
        for (char c = 'a'; vocabulary.size() < Fixtures.V; c++) {
            vocabulary.add(String.valueOf(c));
        }
        return DatasetPreparedBuilder.builder().runId("export-test").eventId("e1").timestamp(Instant.EPOCH)
                .tokenizer("char").vocabSize(Fixtures.V).vocabulary(vocabulary).unknownTokenId(0).maskTokenId(1)
                .documents(1).corpusChars(100).trainTokens(80).heldOutTokens(20).heldOutRecords(1).heldOutWindows(1)
                .build();
    }

    private static float[] logits(GptModel model) {
        try (NDManager m = model.manager().newSubManager()) {
            return model.logits(model.ids(m, IDS, 1, IDS.length), false).toFloatArray();
        }
    }

    /** Runs exported_logits.py with the Debian Python (scripts/install-test-tools.sh installs torch and numpy). */
    private static Map<String, float[]> reference(Path export) throws Exception {
        Path repo = Path.of("").toAbsolutePath().getParent();
        List<String> command = List.of("/usr/bin/python3", repo.resolve("lm/src/test/python/exported_logits.py").toString(),
                export.toString(), String.join(",", java.util.Arrays.stream(IDS).mapToObj(String::valueOf).toList()),
                repo.resolve("README.md").toString(), nanoGptDir().toString());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        Map<String, float[]> out = new LinkedHashMap<>();
        StringBuilder log = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                int eq = line.indexOf('=');
                if (eq > 0 && (line.startsWith("spec=") || line.startsWith("nanogpt="))) {
                    JsonNode values = Json.mapper().readTree(line.substring(eq + 1));
                    List<Float> flat = new ArrayList<>();
                    values.get(0).forEach(row -> row.forEach(v -> flat.add(v.floatValue())));
                    float[] a = new float[flat.size()];
                    for (int i = 0; i < a.length; i++) {
                        a[i] = flat.get(i);
                    }
                    out.put(line.substring(0, eq), a);
                } else {
                    log.append(line).append('\n');
                }
            }
        }
        assertEquals(0, p.waitFor(), "exported_logits.py failed (torch and numpy come from scripts/install-test-tools.sh):\n" + log);
        return out;
    }

    /** nanoGPT's files, beside the repository as the developers' guide places them, or -Dnanogpt.dir. */
    private static Path nanoGptDir() {
        return Path.of(System.getProperty("nanogpt.dir",
                Path.of("").toAbsolutePath().getParent().resolve("../shared/peer/nanogpt").normalize().toString()));
    }
}
