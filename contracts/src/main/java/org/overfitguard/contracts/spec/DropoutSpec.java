package org.overfitguard.contracts.spec;

/**
 * Dropout rates in [0, 1); each is off at 0 and only acts in training.
 *
 * @param embedding after token + position embeddings
 * @param attention on attention probabilities
 * @param residual  on each residual branch (attention output and MLP output) before it is added
 * @param heads     whole attention heads, per example: a dropped head's output is zero for every
 *                  position of that sequence, the kept ones are scaled by 1 / (1 - rate)
 * @param mlp       on the MLP's hidden activations (after GELU, 4C wide)
 */
public record DropoutSpec(double embedding, double attention, double residual, double heads, double mlp) {

    public static DropoutSpec none() {
        return new DropoutSpec(0, 0, 0, 0, 0);
    }

    /** Embedding, attention and residual dropout at these rates, heads and MLP off. */
    public static DropoutSpec of(double embedding, double attention, double residual) {
        return new DropoutSpec(embedding, attention, residual, 0, 0);
    }

    public boolean any() {
        return embedding > 0 || attention > 0 || residual > 0 || heads > 0 || mlp > 0;
    }
}
