package org.overfitguard.monitor.history;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.time.Instant;
import java.util.List;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * GET /api/runs/{id}: the summary's fields, then what the run page draws.
 *
 * @param spec           the run spec (null until RunRequested or RunStarted was seen)
 * @param dataset        data-service's DatasetPrepared
 * @param stepsPerSecond training steps per second between the last two step metrics
 * @param checkpoints    checkpoints saved so far
 * @param steps          the training curve, in step order (thinned past monitor.history-limit points)
 * @param evaluations    the held-out curve, in step order
 * @param stop           the evaluator's StopRequested, if it fired
 * @param completion     the trainer's RunCompleted
 * @param failure        RunFailed, if a service gave up on the run
 */
public record RunDetail(@JsonUnwrapped RunSummary summary, RunSpec spec, DatasetPrepared dataset, String device,
                        String trainerId, Instant requestedAt, Instant startedAt, Double tokensPerSecond,
                        Double stepsPerSecond, int checkpoints, List<StepPoint> steps, List<EvaluationPoint> evaluations,
                        StopRequested stop, RunCompleted completion, RunFailed failure) {
}
