package org.overfitguard.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.util.PairList;

/**
 * Root-mean-square normalization over channels (Zhang and Sennrich, 2019): no mean removed, no
 * shift, one gain per channel.
 * <pre>
 * y = x / sqrt(mean_c(x^2) + eps) * gamma      x, y: (B, T, C); gamma: (C), starts at 1
 * </pre>
 */
public final class RmsNorm extends AbstractBlock {

    static final float EPSILON = 1e-5f;

    private final Parameter gamma;

    RmsNorm() {
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optInitializer(new ConstantInitializer(1)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                        // (B, T, C)
        NDArray g = ps.getValue(gamma, x.getDevice(), training);                       // (C)
        NDArray rms = x.square().mean(new int[] {2}, true).add(EPSILON).sqrt();     // (B, T, 1)
        return new NDList(x.div(rms).mul(g));
    }

    @Override
    public void prepare(Shape[] inputShapes) {
        gamma.setShape(new Shape(inputShapes[0].get(2)));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return inputShapes;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        // no children
    }
}
