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

    int heldoutCacheRuns();

    Duration metricsRetention();
}
