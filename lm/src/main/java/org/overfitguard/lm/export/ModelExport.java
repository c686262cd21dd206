package org.overfitguard.lm.export;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;

/**
 * A model in the layout the Hugging Face ecosystem reads, in one directory:
 * <pre>
 * model.safetensors      float32 weights, GPT-2 names and layout ({@link Gpt2Layout})
 * config.json            a GPT2Config (model_type gpt2, exact GELU, LayerNorm eps 1e-5)
 * vocab.json             char and byte tokenizers: symbol -> id ("&lt;0x41&gt;" names a byte)
 * tokenizer_config.json  which tokenizer, its special ids; for gpt2 the encoding's name
 * README.md              the model card ({@link ModelCard})
 * </pre>
 * The directory appears whole or not at all (written beside it, then renamed), and an export is a
 * function of the checkpoint and the run's events, so a second export of the same weights finds the
 * first one and leaves it.
 */
public final class ModelExport {

    public static final String WEIGHTS = "model.safetensors";
    public static final String CONFIG = "config.json";
    public static final String VOCAB = "vocab.json";
    public static final String TOKENIZER = "tokenizer_config.json";
    public static final String CARD = "README.md";

    private ModelExport() {
    }

    /**
     * Why a model of this architecture has no GPT-2 form, if it has none: GPT-2 code computes
     * LayerNorm (gain and shift) with residual connections. Post-LN is exported (the same tensors,
     * said in the card and config.json); RMSNorm, no normalization and no residuals are not.
     */
    public static Optional<String> unsupported(ModelSpec m) {
        List<String> why = new ArrayList<>();
        if (m.norm() != ModelSpec.NormPlacement.NONE && m.normKind() == ModelSpec.NormKind.RMSNORM) {
            why.add("model.norm_kind rmsnorm (GPT-2 has LayerNorm, with a shift)");
        }
        if (m.norm() == ModelSpec.NormPlacement.NONE) {
            why.add("model.norm none (GPT-2 normalises)");
        }
        if (!m.residual()) {
            why.add("model.residual false (GPT-2 adds every sub-layer to its input)");
        }
        return why.isEmpty() ? Optional.empty() : Optional.of("the export is a GPT-2 checkpoint, and this model has " + String.join(", ", why));
    }

    /** Writes {@code model} with its card into {@code dir} unless an export is already there; returns its files. */
    public static List<ModelCard.FileEntry> write(GptModel model, DatasetPrepared dataset, ModelCard card, Path dir) throws IOException {
        Optional<String> unsupported = unsupported(model.config().model());
        if (unsupported.isPresent()) {
            throw new IllegalArgumentException(unsupported.get());
        }
        if (Files.isRegularFile(dir.resolve(CARD))) {
            return files(dir);
        }
        Files.createDirectories(dir.getParent());
        Path tmp = Files.createTempDirectory(dir.getParent(), "." + dir.getFileName() + "-");
        try {
            SafeTensors.write(tmp.resolve(WEIGHTS), tensors(model), Map.of("format", "pt", "producer", "overfit-guard",
                    "run_id", card.runId(), "step", String.valueOf(card.step())));
            Files.writeString(tmp.resolve(CONFIG), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(config(model.config(), card)));
            writeTokenizer(tmp, dataset);
            Files.writeString(tmp.resolve(CARD), card.markdown(files(tmp)), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                // another export of the same weights won; its files are the same function of the same inputs
            }
        } finally {
            deleteTree(tmp);
        }
        return files(dir);
    }

    /**
     * Our parameters as GPT-2 tensors, in our order. A model without biases (model.bias false) gets
     * zeros for GPT-2's biases and LayerNorm shifts: GPT-2 code always adds them, and zeros make it
     * compute our function.
     */
    static Map<String, SafeTensors.Tensor> tensors(GptModel model) {
        Map<String, SafeTensors.Tensor> out = new LinkedHashMap<>();
        if (!model.config().model().bias()) {
            zeroBiases(model.config()).forEach(out::put);
        }
        for (GptModel.NamedParameter p : model.parameters()) {
            Gpt2Layout.Placement place = Gpt2Layout.of(p.name())
                    .orElseThrow(() -> new IllegalStateException("no GPT-2 name for parameter " + p.name()));
            NDArray a = p.array();
            long[] shape = a.getShape().getShape();
            float[] values = a.toFloatArray();
            if (place.transposed()) {
                values = Gpt2Layout.transpose(values, (int) shape[0], (int) shape[1]);
                shape = new long[] {shape[1], shape[0]};
            }
            out.put(place.name(), SafeTensors.Tensor.f32(shape, values));
        }
        return out;
    }

    /** GPT-2's bias and shift tensors of a model of this shape, all zero. */
    static Map<String, SafeTensors.Tensor> zeroBiases(GptConfig c) {
        Map<String, SafeTensors.Tensor> zeros = new LinkedHashMap<>();
        long w = c.width();
        for (int i = 0; i < c.layers(); i++) {
            String h = "transformer.h." + i + ".";
            zeros.put(h + "ln_1.bias", zero(w));
            zeros.put(h + "attn.c_attn.bias", zero(3 * w));
            zeros.put(h + "attn.c_proj.bias", zero(w));
            zeros.put(h + "ln_2.bias", zero(w));
            zeros.put(h + "mlp.c_fc.bias", zero(4 * w));
            zeros.put(h + "mlp.c_proj.bias", zero(w));
        }
        zeros.put("transformer.ln_f.bias", zero(w));
        return zeros;
    }

    private static SafeTensors.Tensor zero(long n) {
        return SafeTensors.Tensor.f32(new long[] {n}, new float[(int) n]);
    }

    static ObjectNode config(GptConfig c, ModelCard card) {
        ObjectNode j = Json.mapper().createObjectNode();
        j.putArray("architectures").add("GPT2LMHeadModel");
        j.put("model_type", "gpt2");
        j.put("vocab_size", c.vocabSize());
        j.put("n_positions", c.blockSize());
        j.put("n_ctx", c.blockSize());
        j.put("n_embd", c.width());
        j.put("n_layer", c.layers());
        j.put("n_head", c.heads());
        j.putNull("n_inner"); // 4 x n_embd
        j.put("activation_function", "gelu"); // the exact (erf) GELU, as ours; GPT-2's own checkpoints use gelu_new
        j.put("layer_norm_epsilon", 1e-5);
        j.put("embd_pdrop", c.embeddingDropout());
        j.put("attn_pdrop", c.attentionDropout());
        j.put("resid_pdrop", c.residualDropout());
        j.put("initializer_range", 0.02);
        j.put("scale_attn_weights", true);
        j.put("tie_word_embeddings", c.weightTying());
        j.put("use_cache", true);
        j.put("torch_dtype", "float32");
        j.put("overfit_guard_norm", c.norm().name().toLowerCase(java.util.Locale.ROOT));
        j.put("overfit_guard_bias", c.model().bias()); // false: the bias tensors are zeros (see tensors)
        j.put("overfit_guard_run_id", card.runId());
        j.put("overfit_guard_step", card.step());
        return j;
    }

    private static void writeTokenizer(Path dir, DatasetPrepared d) throws IOException {
        ObjectNode t = Json.mapper().createObjectNode();
        String kind = d.tokenizer().toLowerCase(java.util.Locale.ROOT);
        t.put("overfit_guard_tokenizer", kind);
        t.put("vocab_size", d.vocabSize());
        t.put("unknown_token_id", d.unknownTokenId());
        t.put("mask_token_id", d.maskTokenId());
        ObjectNode vocab = Json.mapper().createObjectNode();
        switch (kind) {
            case "char" -> {
                for (int id = 0; id < d.vocabulary().size(); id++) {
                    vocab.put(d.vocabulary().get(id), id);
                }
                t.put("unk_token", d.vocabulary().get(d.unknownTokenId()));
                t.put("mask_token", d.vocabulary().get(d.maskTokenId()));
                t.put("encoding", "one token per Unicode code point; ids in vocab.json");
            }
            case "byte" -> {
                for (int b = 0; b < 256; b++) {
                    vocab.put(String.format("<0x%02X>", b), b);
                }
                vocab.put("<mask>", d.maskTokenId());
                t.put("mask_token", "<mask>");
                t.put("encoding", "one token per UTF-8 byte: id = byte value");
            }
            default -> t.put("encoding", "gpt2 (the GPT-2 byte-level BPE, as tiktoken's \"gpt2\" and GPT2TokenizerFast)");
        }
        if (!vocab.isEmpty()) {
            Files.writeString(dir.resolve(VOCAB), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(vocab));
        }
        Files.writeString(dir.resolve(TOKENIZER), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(t));
    }

    /**
     * The model in an export directory, rebuilt for this project: the round trip of {@link #write},
     * and a directory {@code transformers} wrote with {@code save_pretrained} for a GPT-2 whose
     * computation ours is. A config.json of another function (another activation, LayerNorm epsilon,
     * hidden width, or attention scaling) is refused naming the field: loaded anyway, it would compute
     * something else.
     */
    public static GptModel read(Path dir, Device device) throws IOException {
        JsonNode c = Json.mapper().readTree(Files.readString(dir.resolve(CONFIG)));
        List<String> other = otherFunction(c);
        if (!other.isEmpty()) {
            throw new IOException(dir.resolve(CONFIG) + " describes a model this project does not compute: " + String.join("; ", other));
        }
        ModelSpec architecture = ModelSpec.of(c.path("n_layer").asInt(), c.path("n_head").asInt(), c.path("n_embd").asInt(),
                c.path("n_positions").asInt()).withNorm(
                ModelSpec.NormPlacement.valueOf(c.path("overfit_guard_norm").asText("pre").toUpperCase(java.util.Locale.ROOT)),
                ModelSpec.NormKind.LAYERNORM).withBias(c.path("overfit_guard_bias").asBoolean(true));
        GptConfig config = new GptConfig(c.path("vocab_size").asInt(), architecture, DropoutSpec.of(c.path("embd_pdrop").asDouble(),
                c.path("attn_pdrop").asDouble(), c.path("resid_pdrop").asDouble()), c.path("tie_word_embeddings").asBoolean());
        SafeTensors.Content content = SafeTensors.read(dir.resolve(WEIGHTS));
        if (!architecture.bias()) {
            for (String name : zeroBiases(config).keySet()) {
                SafeTensors.Tensor t = content.tensors().get(name);
                if (t != null && !allZero(t.floats())) {
                    throw new IOException(dir.resolve(WEIGHTS) + ": " + name + " is not zero, but config.json says overfit_guard_bias false:"
                            + " a model without biases would compute another function");
                }
            }
        }
        GptModel model = GptModel.create(config, device, 0);
        try {
            for (GptModel.NamedParameter p : model.parameters()) {
                Gpt2Layout.Placement place = Gpt2Layout.of(p.name()).orElseThrow();
                SafeTensors.Tensor t = content.tensors().get(place.name());
                long[] shape = p.array().getShape().getShape();
                long[] stored = place.transposed() ? new long[] {shape[1], shape[0]} : shape;
                if (t == null || !java.util.Arrays.equals(t.shape(), stored)) {
                    throw new IOException(dir.resolve(WEIGHTS) + ": tensor " + place.name() + (t == null ? " is missing"
                            : " has shape " + java.util.Arrays.toString(t.shape()) + ", config.json needs " + java.util.Arrays.toString(stored)));
                }
                float[] values = place.transposed() ? Gpt2Layout.transpose(t.floats(), (int) stored[0], (int) stored[1]) : t.floats();
                p.array().set(FloatBuffer.wrap(values));
            }
        } catch (IOException | RuntimeException e) {
            model.close();
            throw e;
        }
        return model;
    }

    private static boolean allZero(float[] values) {
        for (float v : values) {
            if (v != 0) {
                return false;
            }
        }
        return true;
    }

    /** What in a GPT-2 config.json makes its function differ from ours, each naming the field. */
    static List<String> otherFunction(JsonNode c) {
        List<String> why = new ArrayList<>();
        if (!c.path("model_type").asText("gpt2").equals("gpt2")) {
            why.add("model_type " + c.path("model_type").asText() + " (gpt2 is read)");
        }
        String activation = c.path("activation_function").asText("gelu_new");
        if (!activation.equals("gelu")) {
            why.add("activation_function " + activation + " (the exact GELU, gelu, is what this project computes)");
        }
        double eps = c.path("layer_norm_epsilon").asDouble(1e-5);
        if (Math.abs(eps - 1e-5) > 1e-12) {
            why.add("layer_norm_epsilon " + eps + " (1e-5)");
        }
        if (c.hasNonNull("n_inner") && c.path("n_inner").asInt() != 4 * c.path("n_embd").asInt()) {
            why.add("n_inner " + c.path("n_inner").asInt() + " (4 x n_embd)");
        }
        if (!c.path("scale_attn_weights").asBoolean(true) || c.path("scale_attn_by_inverse_layer_idx").asBoolean(false)) {
            why.add("an attention scaling other than 1 / sqrt(head size)");
        }
        return why;
    }

    /** The files of an export directory with their sizes and SHA-256, the card last. */
    public static List<ModelCard.FileEntry> files(Path dir) throws IOException {
        List<ModelCard.FileEntry> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path f : s.filter(Files::isRegularFile).sorted(Comparator.comparing((Path p) -> p.getFileName().toString().equals(CARD))
                    .thenComparing(p -> p.getFileName().toString())).toList()) {
                out.add(new ModelCard.FileEntry(f.getFileName().toString(), Files.size(f), sha256(f)));
            }
        }
        return out;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
