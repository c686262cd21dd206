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

    /**
     * The same for all gradients as one flat vector (AdamW's {@code flatGradients}): one norm and at
     * most one scaling, whatever the number of parameters. The norm is summed in float32 by libtorch
     * (pairwise), where {@link #clip} sums per-tensor sums in double: equal to about 1e-7 relative.
     */
    public static double clipFlat(NDArray flat, double maxNorm) {
        double norm = Math.sqrt(flat.square().sum().getFloat());
        if (maxNorm > 0 && norm > maxNorm) {
            flat.muli((float) (maxNorm / (norm + 1e-6)));
        }
        return norm;
    }
}
