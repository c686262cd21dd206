package org.overfitguard.contracts.spec;

/**
 * AdamW and its schedule: linear warmup to {@code learningRate}, then cosine decay to
 * {@code minLearningRate} at {@code training.max_steps}.
 *
 * @param gradClipNorm global gradient norm bound; 0 turns clipping off
 */
public record OptimizerSpec(
        double learningRate,
        double minLearningRate,
        int warmupSteps,
        double beta1,
        double beta2,
        double epsilon,
        double gradClipNorm) {

    public static OptimizerSpec defaults() {
        return new OptimizerSpec(2e-3, 2e-4, 50, 0.9, 0.99, 1e-8, 1.0);
    }
}
