package org.overfitguard.monitor.history;

import java.time.Instant;

/**
 * One line of GET /api/runs (snake_case on the wire).
 *
 * @param state           pending, running, paused (an ASHA trial waiting at a rung), completed, cancelled or failed
 * @param step            steps trained so far
 * @param maxSteps        the run's training.max_steps, or null before its spec was seen
 * @param trainLoss       plain training cross-entropy of the last step metrics
 * @param heldoutLoss     held-out loss of the last successful evaluation
 * @param bestHeldoutLoss held-out loss at the best step (the final model's once completed)
 * @param bestStep        step of the best evaluation so far (the final model's once completed)
 * @param stopReason      the evaluator's stop reason, else how the run ended (max_steps, cancelled), else null
 * @param patienceLeft    evaluations left before the early-stopping patience is exhausted
 * @param updatedAt       time of the latest event of the run
 */
public record RunSummary(String runId, String name, String state, long step, Integer maxSteps, Double trainLoss,
                         Double heldoutLoss, Double bestHeldoutLoss, Long bestStep, String stopReason,
                         Integer patienceLeft, String sweepId, String variant, Instant updatedAt) {
}
