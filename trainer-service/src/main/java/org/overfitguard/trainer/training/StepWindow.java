package org.overfitguard.trainer.training;

import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StepMetricsBuilder;
import org.overfitguard.lm.train.StepResult;

/** Means over the steps since the last StepMetrics; throughput counts wall time, waiting for batches included. */
final class StepWindow {

    private long startNanos = System.nanoTime();
    private int steps;
    private long tokens;
    private double loss;
    private double crossEntropy;
    private double computeSeconds;
    private StepResult last;

    void add(StepResult r) {
        steps++;
        tokens += r.tokens();
        loss += r.loss();
        crossEntropy += r.crossEntropy();
        computeSeconds += r.seconds();
        last = r;
    }

    double tokensPerSecond() {
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        return seconds > 0 ? tokens / seconds : 0;
    }

    double meanCrossEntropy() {
        return crossEntropy / Math.max(1, steps);
    }

    StepMetrics metrics(String runId, long tokensSeen) {
        return StepMetricsBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(Event.now()).step(last.step())
                .loss(loss / steps).crossEntropy(crossEntropy / steps).learningRate(last.learningRate()).gradNorm(last.gradNorm())
                .tokensPerSecond(tokensPerSecond()).stepSeconds(computeSeconds / steps).tokensSeen(tokensSeen).build();
    }

    void reset() {
        startNanos = System.nanoTime();
        steps = 0;
        tokens = 0;
        loss = 0;
        crossEntropy = 0;
        computeSeconds = 0;
    }

    boolean isEmpty() {
        return steps == 0;
    }
}
