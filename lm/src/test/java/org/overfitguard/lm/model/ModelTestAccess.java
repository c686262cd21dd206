package org.overfitguard.lm.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.training.ParameterStore;

/** The package-private pieces of the model the tests look at one by one. */
public final class ModelTestAccess {

    private ModelTestAccess() {
    }

    /** A fresh RMSNorm (gain 1) applied to {@code x} (B, T, C). */
    public static NDArray rmsNorm(NDManager manager, NDArray x) {
        RmsNorm norm = new RmsNorm();
        norm.initialize(manager, DataType.FLOAT32, x.getShape());
        return norm.forward(new ParameterStore(manager, false), new NDList(x), false).singletonOrThrow();
    }

    public static NDArray headMask(NDManager manager, long batch, int heads, float rate) {
        return CausalSelfAttention.headMask(manager, batch, heads, rate);
    }
}
