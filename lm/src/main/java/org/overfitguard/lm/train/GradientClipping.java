package org.overfitguard.lm.train;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Global-norm clipping: if ||g|| over all parameters exceeds the bound, every gradient is scaled by bound / ||g||. */
public final class GradientClipping {

    private GradientClipping() {
    }

    /** The global norm before clipping; scales {@code grads} in place when it exceeds {@code maxNorm} (0 = off). */
    public static double clip(List<NDArray> grads, double maxNorm) {
        double sumOfSquares = 0;
        for (NDArray g : grads) {
            sumOfSquares += g.square().sum().getFloat();
        }
        double norm = Math.sqrt(sumOfSquares);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (NDArray g : grads) {
                g.muli(scale);
            }
        }
        return norm;
    }
}
