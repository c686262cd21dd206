package org.overfitguard.contracts.spec;

/**
 * Dropout rates in [0, 1).
 *
 * @param embedding after token + position embeddings
 * @param attention on attention probabilities
 * @param residual  on each residual branch (attention output and MLP output) before it is added
 */
public record DropoutSpec(double embedding, double attention, double residual) {

    public static DropoutSpec none() {
        return new DropoutSpec(0, 0, 0);
    }

    public boolean any() {
        return embedding > 0 || attention > 0 || residual > 0;
    }
}
