package org.overfitguard.contracts.spec;

/**
 * The GPT's shape.
 *
 * @param layers    transformer blocks
 * @param heads     attention heads; must divide width
 * @param width     embedding width C
 * @param blockSize context length T in tokens
 * @param norm      pre (x + f(ln(x)), the default, stable) or post (ln(x + f(x)), the original transformer)
 */
public record ModelSpec(int layers, int heads, int width, int blockSize, NormPlacement norm) {

    public enum NormPlacement { PRE, POST }

    public static ModelSpec defaults() {
        return new ModelSpec(2, 4, 128, 64, NormPlacement.PRE);
    }
}
