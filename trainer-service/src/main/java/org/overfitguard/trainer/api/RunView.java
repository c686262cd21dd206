package org.overfitguard.trainer.api;

import java.time.Instant;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * A run as GET /runs/{id} shows it (in snake_case, as every REST answer: messaging's WireJsonStyle).
 *
 * @param status            pending, running, paused (an ASHA trial waiting at a rung), completed, cancelled or failed
 * @param step              steps trained
 * @param loss              training objective of the last step
 * @param crossEntropy      plain training cross-entropy of the last step
 * @param heldOutLoss       held-out loss of the last evaluation
 * @param bestStep          step of the best evaluation (or of the final model once completed)
 * @param bestHeldOutLoss   its held-out loss
 * @param reason            how it ended: stop reason, max_steps, cancelled, or the failure
 * @param finalModelPath    directory of the final model once completed
 */
public record RunView(String runId, String name, String status, long step, int maxSteps, Double loss,
                      Double crossEntropy, Double tokensPerSecond, Double heldOutLoss, Long bestStep,
                      Double bestHeldOutLoss, Integer patienceLeft, String device, String trainerId, String reason,
                      String finalModelPath, String sweepId, String variant, Instant requestedAt, Instant startedAt,
                      Instant completedAt, RunSpec spec) {
}
