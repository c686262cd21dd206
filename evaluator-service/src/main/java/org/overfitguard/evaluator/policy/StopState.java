package org.overfitguard.evaluator.policy;

import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.StopReason;

/**
 * The early-stopping state of one run after some evaluations. Everything in it is also in the last
 * EvaluationCompleted, so it is rebuilt from the evaluations topic after a restart.
 *
 * @param bestValue  best monitored value counted so far, or null before the first counted one
 * @param bestStep   its step
 * @param sinceImprovement counted evaluations since the last improvement that reset patience
 * @param stopReason non-null once the policy fired (it fires once)
 */
public record StopState(Double bestValue, Long bestStep, String bestCheckpoint, int sinceImprovement, StopReason stopReason) {

    public static final StopState INITIAL = new StopState(null, null, null, 0, null);

    StopState withSinceImprovement(int count) {
        return new StopState(bestValue, bestStep, bestCheckpoint, count, stopReason);
    }

    public boolean stopped() {
        return stopReason != null;
    }

    /** The state an evaluation event records (a stop, once recorded, stays). */
    public static StopState after(StopState previous, EvaluationCompleted e) {
        return new StopState(e.bestValue(), e.bestStep(), e.bestCheckpoint(), e.evaluationsWithoutImprovement(),
                previous.stopReason() != null ? previous.stopReason() : e.stopReason());
    }
}
