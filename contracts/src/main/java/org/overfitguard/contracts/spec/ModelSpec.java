package org.overfitguard.contracts.spec;

/**
 * The GPT's shape and its architecture switches.
 *
 * @param layers    transformer blocks
 * @param heads     attention heads; must divide width
 * @param width     embedding width C
 * @param blockSize context length T in tokens
 * @param norm      where each block normalises: pre (x + f(n(x)), the default, stable), post
 *                  (n(x + f(x)), the original transformer) or none (no normalization anywhere, the
 *                  final one included)
 * @param normKind  layernorm (scale and shift after removing the mean) or rmsnorm (scale by the root
 *                  mean square only, no shift: Zhang and Sennrich 2019); ignored when norm is none
 * @param residual  residual connections around attention and MLP; false makes each block
 *                  x = f(n(x)) (pre) or n(f(x)) (post), to show what the skip paths do
 * @param bias      biases in every Linear and a shift in every LayerNorm (GPT-2, nanoGPT's bias=True);
 *                  false: neither (nanoGPT's train.py default, bias=False)
 */
public record ModelSpec(int layers, int heads, int width, int blockSize, NormPlacement norm, NormKind normKind,
                        boolean residual, boolean bias) {

    public enum NormPlacement { PRE, POST, NONE }

    public enum NormKind { LAYERNORM, RMSNORM }

    public static ModelSpec defaults() {
        return of(2, 4, 128, 64);
    }

    /** A shape with the default architecture: pre-LayerNorm with residual connections. */
    public static ModelSpec of(int layers, int heads, int width, int blockSize) {
        return new ModelSpec(layers, heads, width, blockSize, NormPlacement.PRE, NormKind.LAYERNORM, true, true);
    }

    public ModelSpec withNorm(NormPlacement placement, NormKind kind) {
        return new ModelSpec(layers, heads, width, blockSize, placement, kind, residual, bias);
    }

    public ModelSpec withResidual(boolean on) {
        return new ModelSpec(layers, heads, width, blockSize, norm, normKind, on, bias);
    }

    public ModelSpec withBias(boolean on) {
        return new ModelSpec(layers, heads, width, blockSize, norm, normKind, residual, on);
    }

    /** The standard GPT-2 block (pre-LayerNorm, residual connections), the only one a GPT-2 loader computes. */
    public boolean gpt2Compatible() {
        return norm == NormPlacement.PRE && normKind == NormKind.LAYERNORM && residual;
    }
}
