package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * An evaluator began scoring a checkpoint: the attempt is on the topic before the work, so an
 * evaluator that dies during it (out of memory, killed) leaves a count behind. Topic evaluations,
 * key runId. A checkpoint started {@code evaluator.max-attempts} times without an
 * EvaluationCompleted is set aside (an error evaluation with the reason) instead of being tried again.
 *
 * @param step           the checkpoint's step
 * @param checkpointPath the checkpoint
 * @param attempt        1 for the first start, 2 for the next after one that never finished, ...
 * @param evaluatorId    which evaluator replica started it
 */
public record EvaluationStarted(String runId, String eventId, Instant timestamp, long step, String checkpointPath, int attempt,
                                String evaluatorId) implements Event {

    public static EvaluationStarted of(String runId, long step, String checkpointPath, int attempt, String evaluatorId) {
        return new EvaluationStarted(runId, Event.newId(), Event.now(), step, checkpointPath, attempt, evaluatorId);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.evaluationStarted(this);
    }
}
