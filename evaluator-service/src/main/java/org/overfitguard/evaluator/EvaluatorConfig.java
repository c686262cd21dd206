package org.overfitguard.evaluator;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import java.time.Duration;
import java.util.Optional;

/** Settings of evaluator-service, under the prefix {@code evaluator}. */
@ConfigMapping(prefix = "evaluator")
public interface EvaluatorConfig {

    String instanceId();

    /** auto, cpu or gpu. */
    String device();

    /** Held-out rows per forward pass, at most: fewer when that many would not fit {@link #maxMemory()}. */
    int rowsPerForward();

    /** Peak memory one evaluation may take; absent: 80% of the machine's (or container's) memory beside the Java heap. */
    Optional<MemorySize> maxMemory();

    /** Checkpoints are read only under this directory, whatever path a CheckpointSaved names. */
    String checkpointRoot();

    Duration heldoutTimeout();

    /**
     * The worker beats at every forward pass and every poll: a beat older than this is a stuck worker
     * (the liveness check goes DOWN and the platform restarts the service). Longer than one forward
     * pass of an admitted model, not than a whole evaluation.
     */
    @io.smallrye.config.WithDefault("10M")
    Duration stallTimeout();

    /**
     * Starts of one checkpoint's evaluation (EvaluationStarted) without its EvaluationCompleted, each
     * one an evaluator that died on it: the next time it is due it is set aside, an error evaluation
     * with the reason, instead of killing the evaluator again.
     */
    @io.smallrye.config.WithDefault("3")
    int maxAttempts();

    int heldoutCacheRuns();

    Duration metricsRetention();
}
