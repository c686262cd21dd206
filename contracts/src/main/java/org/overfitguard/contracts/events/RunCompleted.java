package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * The trainer finished the run. Topic runs.
 *
 * @param steps           steps trained
 * @param bestStep        step of the final model (the best checkpoint when restore_best), or null if none was evaluated
 * @param bestHeldOutLoss held-out loss of that checkpoint, or null
 * @param finalModelPath  directory of the final model (a byte-identical copy of the chosen checkpoint), or null
 * @param finalCheckpoint the checkpoint directory the final model was copied from, or null
 */
public record RunCompleted(String runId, String eventId, Instant timestamp, CompletionReason reason, long steps,
                           Long bestStep, Double bestHeldOutLoss, String finalModelPath, String finalCheckpoint)
        implements Event {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.runCompleted(this);
    }
}
