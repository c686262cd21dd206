package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * Training progress, every training.metrics_every steps. Topic train-metrics.
 *
 * @param step            steps done (the batch of index step-1 was the last one trained)
 * @param loss            the training objective (label-smoothed when smoothing is on), mean over the last steps
 * @param crossEntropy    plain cross-entropy on the same training batches, comparable to held-out loss
 * @param learningRate    learning rate of the last step
 * @param gradNorm        global gradient norm before clipping, last step
 * @param tokensPerSecond training throughput over the last steps
 * @param stepSeconds     mean wall time of one step over the last steps
 * @param tokensSeen      tokens trained so far
 */
public record StepMetrics(String runId, String eventId, Instant timestamp, long step, double loss, double crossEntropy,
                          double learningRate, double gradNorm, double tokensPerSecond, double stepSeconds,
                          long tokensSeen) implements Event {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.stepMetrics(this);
    }
}
