package org.overfitguard.trainer;

import io.smallrye.config.ConfigMapping;
import java.time.Duration;

/** Settings of trainer-service, under the prefix {@code trainer}. */
@ConfigMapping(prefix = "trainer")
public interface TrainerConfig {

    /** auto (GPU when DJL sees one), cpu or gpu. */
    String device();

    /** This replica's name: its consumer group instance id and the trainer_id of RunStarted. */
    String instanceId();

    /** Root of the checkpoint directories; shared with the evaluator. */
    String checkpointRoot();

    Duration datasetTimeout();

    Duration finalEvaluationTimeout();

    Duration metricsRetention();

    Limits limits();

    /** What a single run request may ask for, so one request cannot exhaust the machine. */
    interface Limits {
        long maxParameters();

        int maxSteps();

        int maxBatchTokens();
    }
}
