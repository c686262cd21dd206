package org.overfitguard.evaluator;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Settings of evaluator-service, under the prefix {@code evaluator}. */
@ConfigMapping(prefix = "evaluator")
public interface EvaluatorConfig {

    String instanceId();

    /** auto, cpu or gpu. */
    String device();

    int rowsPerForward();

    Duration heldoutTimeout();

    int heldoutCacheRuns();

    Duration metricsRetention();
}
