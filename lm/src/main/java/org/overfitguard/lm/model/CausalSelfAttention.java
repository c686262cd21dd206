package org.overfitguard.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Multi-head causal self-attention. Dimensions: B batch, T time, C channels, H heads, D = C / H.
 * A position attends only to itself and earlier positions (an additive -1e9 mask above the diagonal).
 * Three dropouts, each only in training: on the attention probabilities, on whole heads (per example:
 * a dropped head contributes nothing at any position of that sequence, kept heads are scaled by
 * 1 / (1 - rate)), and on the output before the residual add.
 */
public final class CausalSelfAttention extends AbstractBlock {

    private static final float MASKED = -1e9f;

    private final int heads;
    private final int width;
    private final Linear qkv;
    private final Linear projection;
    private final Dropout attentionDropout;
    private final Dropout residualDropout;
    private final float attentionRate;
    private final float headRate;
    private final float residualRate;

    /** The attention of one block of {@code config}: its width, heads, and attention, head and residual dropout. */
    CausalSelfAttention(GptConfig config) {
        this.width = config.width();
        this.heads = config.heads();
        this.attentionRate = config.attentionDropout();
        this.headRate = config.headDropout();
        this.residualRate = config.residualDropout();
        qkv = addChildBlock("qkv", Linear.builder().setUnits(3L * width).optBias(config.model().bias()).build());
        projection = addChildBlock("proj", Linear.builder().setUnits(width).optBias(config.model().bias()).build());
        attentionDropout = addChildBlock("attnDrop", Dropout.builder().optRate(attentionRate).build());
        residualDropout = addChildBlock("residDrop", Dropout.builder().optRate(residualRate).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                    // (B, T, C)
        long b = x.getShape().get(0);
        long t = x.getShape().get(1);
        long d = width / heads;
        NDList qkvParts = qkv.forward(ps, inputs, training).singletonOrThrow().split(3, 2); // 3 x (B, T, C)
        NDArray q = qkvParts.get(0).reshape(b, t, heads, d).transpose(0, 2, 1, 3); // (B, H, T, D)
        NDArray k = qkvParts.get(1).reshape(b, t, heads, d).transpose(0, 2, 1, 3); // (B, H, T, D)
        NDArray v = qkvParts.get(2).reshape(b, t, heads, d).transpose(0, 2, 1, 3); // (B, H, T, D)
        NDArray scores = Scalars.times(q.matMul(k.transpose(0, 1, 3, 2)), (float) (1.0 / Math.sqrt(d))); // (B, H, T, T)
        NDArray attention = scores.add(causalMask(x.getManager(), t)).softmax(3);   // (B, H, T, T)
        // each dropout only when its rate is set: a rate-0 block would still draw a mask and multiply by it
        if (attentionRate > 0) {
            attention = attentionDropout.forward(ps, new NDList(attention), training).singletonOrThrow();
        }
        NDArray perHead = attention.matMul(v);                                      // (B, H, T, D)
        if (training && headRate > 0) {
            perHead = perHead.mul(headMask(x.getManager(), b, heads, headRate));      // (B, H, T, D)
        }
        NDArray y = perHead.transpose(0, 2, 1, 3).reshape(b, t, width);            // (B, T, C)
        NDList out = projection.forward(ps, new NDList(y), training);              // (B, T, C)
        return residualRate > 0 ? residualDropout.forward(ps, out, training) : out;
    }

    /** (B, H, 1, 1): 0 for a dropped head of an example (probability {@code rate}), else 1 / (1 - rate). */
    static NDArray headMask(NDManager manager, long batch, int heads, float rate) {
        return manager.randomUniform(0f, 1f, new Shape(batch, heads, 1, 1)).gte(rate)
                .toType(DataType.FLOAT32, false).div(1 - rate);
    }

    /** (T, T): 0 where key position <= query position, -1e9 above the diagonal. */
    static NDArray causalMask(NDManager manager, long t) {
        NDArray query = manager.arange(t).reshape(t, 1);
        NDArray key = manager.arange(t).reshape(1, t);
        // a plain mul(Number) is safe here (see Scalars): the mask is a constant, nothing of it requires a gradient
        return key.gt(query).toType(DataType.FLOAT32, false).mul(MASKED);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape bTC = inputShapes[0];
        qkv.initialize(manager, dataType, bTC);
        projection.initialize(manager, dataType, bTC);
        Shape bHTT = new Shape(bTC.get(0), heads, bTC.get(1), bTC.get(1));
        attentionDropout.initialize(manager, dataType, bHTT);
        residualDropout.initialize(manager, dataType, bTC);
    }
}
