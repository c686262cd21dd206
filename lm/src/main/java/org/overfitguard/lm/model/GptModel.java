package org.overfitguard.lm.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Gpt} with its own NDManager on one device: initialization from a seed, forward passes,
 * the named parameter list (for the optimizer and for checkpoints), and parameter (de)serialization.
 */
public final class GptModel implements AutoCloseable {

    private final GptConfig config;
    private final Device device;
    private final NDManager manager;
    private final Gpt block;
    private final ParameterStore store;
    private final List<NamedParameter> parameters;

    /** One trainable tensor and its path in the block tree, e.g. "02h0_02attn_01qkv_weight". */
    public record NamedParameter(String name, Parameter parameter) {
        public NDArray array() {
            return parameter.getArray();
        }

        /** Matrices (rank >= 2: linear weights, embeddings) decay; biases and LayerNorm gains do not. */
        public boolean decays() {
            return array().getShape().dimension() >= 2;
        }
    }

    private GptModel(GptConfig config, Device device) {
        this.config = config;
        this.device = device;
        this.manager = Engine.getEngine("PyTorch").newBaseManager(device);
        this.block = new Gpt(config);
        this.store = new ParameterStore(manager, false);
        this.parameters = new ArrayList<>();
    }

    /** A freshly initialized model; the same seed gives the same weights. */
    public static GptModel create(GptConfig config, Device device, long seed) {
        GptModel model = new GptModel(config, device);
        Seeds.apply(seed);
        model.block.initialize(model.manager, DataType.FLOAT32, new Shape(1, config.blockSize()));
        model.collectParameters();
        return model;
    }

    /** A model with the parameters read from {@link #saveParameters}, ready to train further. */
    public static GptModel load(GptConfig config, Device device, DataInputStream in) throws IOException {
        GptModel model = create(config, device, 0);
        List<NDArray> initial = model.parameters.stream().map(NamedParameter::array).toList();
        try {
            model.block.loadParameters(model.manager, in);
        } catch (MalformedModelException e) {
            model.close();
            throw new IOException("model parameters do not match the configured model: " + e.getMessage(), e);
        }
        model.collectParameters();
        // the random weights create() made are no parameter's any more: free them now, not with the model
        java.util.Set<NDArray> loaded = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        model.parameters.forEach(p -> loaded.add(p.array()));
        initial.stream().filter(a -> !loaded.contains(a)).forEach(NDArray::close);
        for (NamedParameter p : model.parameters) {
            p.array().setRequiresGradient(true);
        }
        return model;
    }

    private void collectParameters() {
        parameters.clear();
        for (Pair<String, Parameter> p : block.getParameters()) {
            parameters.add(new NamedParameter(p.getKey(), p.getValue()));
        }
    }

    /** Logits (B, T, V) for token ids (B, T); dropout is active only when training. */
    public NDArray logits(NDArray ids, boolean training) {
        return block.forward(store, new NDList(ids), training).singletonOrThrow();
    }

    /** Token ids (rows, cols) as an int64 array on this model's device, owned by {@code owner}. */
    public NDArray ids(NDManager owner, int[] tokens, int rows, int cols) {
        return owner.create(tokens, new Shape(rows, cols)).toType(DataType.INT64, false);
    }

    public List<NamedParameter> parameters() {
        return parameters;
    }

    public long parameterCount() {
        return parameters.stream().mapToLong(p -> p.array().size()).sum();
    }

    public void saveParameters(DataOutputStream out) throws IOException {
        block.saveParameters(out);
    }

    public GptConfig config() {
        return config;
    }

    public Device device() {
        return device;
    }

    public NDManager manager() {
        return manager;
    }

    @Override
    public void close() {
        manager.close();
    }
}
