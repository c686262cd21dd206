package org.overfitguard.lm.train;

/**
 * What one training step did.
 *
 * @param step         steps done after it (the batch trained had index step - 1)
 * @param loss         the objective (label-smoothed when smoothing is on)
 * @param crossEntropy plain cross-entropy on the same batch
 * @param learningRate the rate used
 * @param gradNorm     global gradient norm before clipping
 * @param seconds      wall time of the step
 * @param tokens       tokens in the batch
 */
public record StepResult(long step, double loss, double crossEntropy, double learningRate, double gradNorm,
                         double seconds, int tokens) {
}
