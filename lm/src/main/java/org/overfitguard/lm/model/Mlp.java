package org.overfitguard.lm.model;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/** The position-wise MLP: C -> 4C -> GELU (exact, erf form) -> hidden dropout -> C, then residual dropout. */
public final class Mlp extends AbstractBlock {

    private final Linear expand;
    private final Linear contract;
    private final Dropout hiddenDropout;
    private final Dropout residualDropout;
    private final float hiddenRate;
    private final float residualRate;

    /** The MLP of one block of {@code config}: its width, and MLP (hidden) and residual dropout. */
    Mlp(GptConfig config) {
        int width = config.width();
        this.hiddenRate = config.mlpDropout();
        this.residualRate = config.residualDropout();
        expand = addChildBlock("fc", Linear.builder().setUnits(4L * width).optBias(config.model().bias()).build());
        contract = addChildBlock("proj", Linear.builder().setUnits(width).optBias(config.model().bias()).build());
        hiddenDropout = addChildBlock("hiddenDrop", Dropout.builder().optRate(hiddenRate).build());
        residualDropout = addChildBlock("residDrop", Dropout.builder().optRate(residualRate).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList hidden = Activation.gelu(expand.forward(ps, inputs, training)); // (B, T, 4C)
        if (hiddenRate > 0) { // as in CausalSelfAttention: a rate-0 dropout would still draw and apply a mask
            hidden = hiddenDropout.forward(ps, hidden, training);              // (B, T, 4C)
        }
        NDList out = contract.forward(ps, hidden, training);                   // (B, T, C)
        return residualRate > 0 ? residualDropout.forward(ps, out, training) : out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape bTC = inputShapes[0];
        expand.initialize(manager, dataType, bTC);
        Shape bT4C = new Shape(bTC.get(0), bTC.get(1), bTC.get(2) * 4);
        contract.initialize(manager, dataType, bT4C);
        hiddenDropout.initialize(manager, dataType, bT4C);
        residualDropout.initialize(manager, dataType, bTC);
    }
}
