package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * The evaluator scored a checkpoint on held-out data and applied the run's early-stopping policy.
 * Topic evaluations; also the evaluator's event-sourced state, so it carries the policy state after
 * this evaluation.
 *
 * @param status                       ok, or error with {@code error} saying why (then metrics are null)
 * @param heldOutLoss                  mean plain cross-entropy per held-out token, nats
 * @param perplexity                   exp(heldOutLoss)
 * @param accuracy                     share of held-out tokens whose argmax prediction is right
 * @param trainLoss                    the trainer's plain training cross-entropy at this step
 * @param gap                          heldOutLoss - trainLoss, the generalization gap
 * @param heldOutTokens                tokens scored
 * @param sample                       text the model wrote from the fixed prompt with the fixed seed
 * @param monitor                      the monitored metric's name
 * @param monitoredValue               its value at this step
 * @param bestValue                    best monitored value so far
 * @param bestStep                     its step
 * @param bestCheckpoint               its checkpoint
 * @param evaluationsWithoutImprovement counted evaluations since the last improvement
 * @param patienceLeft                 evaluations left before patience is exhausted
 * @param stopReason                   non-null when this evaluation made the policy fire
 */
public record EvaluationCompleted(String runId, String eventId, Instant timestamp, long step, String checkpointPath,
                                  EvaluationStatus status, String error, Double heldOutLoss, Double perplexity,
                                  Double accuracy, Double trainLoss, Double gap, long heldOutTokens, String sample,
                                  double evalSeconds, String monitor, Double monitoredValue, Double bestValue,
                                  Long bestStep, String bestCheckpoint, int evaluationsWithoutImprovement,
                                  int patienceLeft, StopReason stopReason) implements Event {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.evaluationCompleted(this);
    }
}
