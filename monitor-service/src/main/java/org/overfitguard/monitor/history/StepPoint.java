package org.overfitguard.monitor.history;

import java.time.Instant;
import org.overfitguard.contracts.events.StepMetrics;

/**
 * A point of a run's training curve.
 *
 * @param loss         the training objective (label-smoothed when smoothing is on)
 * @param crossEntropy plain training cross-entropy, comparable with held-out loss
 */
public record StepPoint(long step, double loss, double crossEntropy, double learningRate, double tokensPerSecond,
                        Instant time) {

    static StepPoint of(StepMetrics m) {
        return new StepPoint(m.step(), m.loss(), m.crossEntropy(), m.learningRate(), m.tokensPerSecond(), m.timestamp());
    }
}
