package org.overfitguard.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;

/**
 * One transformer block: attention, then the MLP, each with its norm n (LayerNorm or RMSNorm) and,
 * unless switched off, its residual connection.
 * <pre>
 * pre,  residual:  x = x + attn(n1(x));  x = x + mlp(n2(x))      (GPT-2, the default)
 * post, residual:  x = n1(x + attn(x));  x = n2(x + mlp(x))      (the 2017 transformer)
 * none, residual:  x = x + attn(x);      x = x + mlp(x)
 * without residual connections the "x +" goes: pre x = mlp(n2(attn(n1(x)))), post x = n2(mlp(n1(attn(x))))
 * </pre>
 */
public final class TransformerBlock extends AbstractBlock {

    private final NormPlacement placement;
    private final boolean residual;
    private final Block norm1;
    private final CausalSelfAttention attention;
    private final Block norm2;
    private final Mlp mlp;

    TransformerBlock(GptConfig config) {
        placement = config.norm();
        residual = config.model().residual();
        norm1 = placement == NormPlacement.NONE ? null : addChildBlock("ln1", channelNorm(config.model()));
        attention = addChildBlock("attn", new CausalSelfAttention(config));
        norm2 = placement == NormPlacement.NONE ? null : addChildBlock("ln2", channelNorm(config.model()));
        mlp = addChildBlock("mlp", new Mlp(config));
    }

    /** The model's norm over channels (axis 2 of (B, T, C)); null when it has none. */
    static Block channelNorm(ModelSpec model) {
        if (model.norm() == NormPlacement.NONE) {
            return null;
        }
        if (model.normKind() == ModelSpec.NormKind.RMSNORM) {
            return new RmsNorm();
        }
        return model.bias() ? layerNorm() : new ShiftlessLayerNorm();
    }

    /** LayerNorm over channels only; DJL's default would also normalise over T. */
    static LayerNorm layerNorm() {
        return LayerNorm.builder().axis(2).optEpsilon(1e-5f).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                       // (B, T, C)
        x = sublayer(ps, x, norm1, attention, training);
        x = sublayer(ps, x, norm2, mlp, training);
        return new NDList(x);                                        // (B, T, C)
    }

    /** One sub-layer f with its norm n and skip path, as {@link #placement} and {@link #residual} say. */
    private NDArray sublayer(ParameterStore ps, NDArray x, Block n, Block f, boolean training) {
        if (placement == NormPlacement.PRE) {
            NDArray y = apply(ps, f, apply(ps, n, x, training), training);
            return residual ? x.add(y) : y;
        }
        NDArray y = apply(ps, f, x, training);
        NDArray sum = residual ? x.add(y) : y;
        return placement == NormPlacement.POST ? apply(ps, n, sum, training) : sum;
    }

    private static NDArray apply(ParameterStore ps, Block block, NDArray x, boolean training) {
        return block.forward(ps, new NDList(x), training).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (var child : getChildren().values()) {
            child.initialize(manager, dataType, inputShapes);
        }
    }
}
