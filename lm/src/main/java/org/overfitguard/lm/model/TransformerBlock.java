package org.overfitguard.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.LayerNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;

/**
 * One transformer block with residual connections around attention and MLP.
 * <pre>
 * pre-LN:  x = x + attn(ln1(x));  x = x + mlp(ln2(x))
 * post-LN: x = ln1(x + attn(x));  x = ln2(x + mlp(x))
 * </pre>
 */
public final class TransformerBlock extends AbstractBlock {

    private final NormPlacement norm;
    private final LayerNorm ln1;
    private final CausalSelfAttention attention;
    private final LayerNorm ln2;
    private final Mlp mlp;

    TransformerBlock(GptConfig config) {
        norm = config.norm();
        ln1 = addChildBlock("ln1", channelNorm());
        attention = addChildBlock("attn", new CausalSelfAttention(config.width(), config.heads(),
                config.attentionDropout(), config.residualDropout()));
        ln2 = addChildBlock("ln2", channelNorm());
        mlp = addChildBlock("mlp", new Mlp(config.width(), config.residualDropout()));
    }

    /** LayerNorm over channels only (axis 2 of (B, T, C)); DJL's default would also normalise over T. */
    static LayerNorm channelNorm() {
        return LayerNorm.builder().axis(2).optEpsilon(1e-5f).build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow(); // (B, T, C)
        if (norm == NormPlacement.PRE) {
            x = x.add(attention.forward(ps, ln1.forward(ps, new NDList(x), training), training).singletonOrThrow());
            x = x.add(mlp.forward(ps, ln2.forward(ps, new NDList(x), training), training).singletonOrThrow());
        } else {
            x = ln1.forward(ps, new NDList(x.add(attention.forward(ps, new NDList(x), training).singletonOrThrow())), training)
                    .singletonOrThrow();
            x = ln2.forward(ps, new NDList(x.add(mlp.forward(ps, new NDList(x), training).singletonOrThrow())), training)
                    .singletonOrThrow();
        }
        return new NDList(x);
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
