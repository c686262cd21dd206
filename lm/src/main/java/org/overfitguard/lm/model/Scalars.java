package org.overfitguard.lm.model;

import ai.djl.ndarray.NDArray;

/**
 * Scalars for differentiable arithmetic. DJL's {@code x.mul(2.0f)} wraps the number in a tensor
 * over a Java direct buffer and closes it at once; autograd keeps that tensor for the backward pass,
 * but once Java lets go of the buffer the garbage collector may free its memory, and backward then
 * reads whatever is there: gradients that change with GC timing (measured: nearly every step under
 * allocation pressure). A scalar made here lives on the operand's manager, so it outlives backward.
 */
public final class Scalars {

    private Scalars() {
    }

    /** {@code x * value}, safe to differentiate. */
    public static NDArray times(NDArray x, float value) {
        return x.mul(x.getManager().create(value));
    }
}
