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
 * LayerNorm over channels with a gain and no shift (model.bias false, nanoGPT's LayerNorm(bias=False)):
 * <pre>
 * y = (x - mean_c(x)) / sqrt(var_c(x) + 1e-5) * gamma      x, y: (B, T, C); gamma: (C), starts at 1
 * </pre>
 * PyTorch's fused layer_norm with a zero shift (DJL's LayerNorm keeps a shift parameter even with
 * center off, which would be one more tensor to train, decay and export).
 */
public final class ShiftlessLayerNorm extends AbstractBlock {

    private final Parameter gamma;

    ShiftlessLayerNorm() {
        gamma = addParameter(Parameter.builder().setName("gamma").setType(Parameter.Type.GAMMA)
                .optInitializer(new ConstantInitializer(1)).build());
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();                                        // (B, T, C)
        NDArray g = ps.getValue(gamma, x.getDevice(), training);                       // (C)
        NDArray zero = x.getManager().zeros(g.getShape(), g.getDataType(), g.getDevice()); // (C), a constant
        return ai.djl.nn.norm.LayerNorm.layerNorm(x, g.getShape(), g, zero, 1e-5f);
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
