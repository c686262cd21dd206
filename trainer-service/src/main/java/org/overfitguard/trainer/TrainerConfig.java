package org.overfitguard.trainer;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.Optional;

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

    /** How often a run may be started from the same step (crashed, killed, failed) before it fails for good. */
    @WithDefault("3")
    int maxAttempts();

    /** Checkpoints kept per run besides the best one and those not evaluated yet: the newest this many. */
    @WithDefault("2")
    int keepLastCheckpoints();

    Limits limits();

    /** Exports and generation (ModelLibrary, Generator). */
    Models models();

    Auth auth();

    /** Who may write (the role is read by RunResource.SUBMITTER). */
    interface Auth {
        /** The role a bearer token must carry to submit, sweep or cancel. */
        @WithDefault("submitter")
        String submitRole();
    }

    /** What export and generation requests may take. */
    interface Models {
        /** Models loaded at once for exports and generation (each on the CPU, beside the training). */
        @WithDefault("2")
        int concurrent();

        /** Tokens one generate request may ask for. */
        @WithDefault("2000")
        int maxTokens();

        /** Characters of a prompt. */
        @WithDefault("8192")
        int maxPromptChars();
    }

    /** What a single run request may ask for, so one request cannot exhaust the machine. */
    interface Limits {
        long maxParameters();

        int maxSteps();

        int maxBatchTokens();

        /** Peak memory one training step may take; absent: 80% of the machine's (or container's) memory beside the Java heap. */
        Optional<MemorySize> maxMemory();

        /** The largest record the brokers take (the producers' max.request.size, the brokers' message.max.bytes). */
        @WithDefault("1048576")
        int maxRecordBytes();

        /** What a run's checkpoints (best, the newest kept, the final model) may take on disk. */
        @WithDefault("20G")
        MemorySize maxCheckpointDisk();

        /** What a run's batch topic may keep (the batches a resume may go back to). */
        @WithDefault("8G")
        MemorySize maxTopicBytes();

        /** Evaluations a run may ask for (max_steps / checkpoint_every): each one is an evaluator's forward over the held-out set. */
        @WithDefault("10000")
        int maxEvaluations();

        /** Trials a tuning sweep may have. */
        @WithDefault("100")
        int maxTrials();

        /** Training steps a tuning sweep's trials may spend together, counted as if none were pruned. */
        @WithDefault("2000000")
        long maxSweepSteps();
    }
}
