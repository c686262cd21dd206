package org.overfitguard.contracts;

import java.util.List;
import java.util.regex.Pattern;
import org.overfitguard.contracts.events.CancelRequested;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.contracts.events.TrialEvaluated;
import org.overfitguard.contracts.events.TrialJudged;
import org.overfitguard.contracts.events.TrialPromoted;

/**
 * Every Kafka topic of the system. Static topics are constants; per-run topics are built by
 * {@link #batches(String)} and {@link #heldOut(String)}, which refuse run ids that are not safe in a
 * topic name (Kafka allows [a-zA-Z0-9._-]; we also forbid '.', our separator).
 */
public final class Topics {

    /** RunRequested, RunStarted, DatasetPrepared, RunCompleted, RunFailed, RunReleased; key runId. */
    public static final String RUNS = "runs";
    /** StepMetrics; key runId. */
    public static final String TRAIN_METRICS = "train-metrics";
    /** CheckpointSaved; key runId. */
    public static final String CHECKPOINTS = "checkpoints";
    /** EvaluationStarted, EvaluationCompleted; key runId. Also the evaluator's event-sourced early-stopping state. */
    public static final String EVALUATIONS = "evaluations";
    /** StopRequested, CancelRequested, TrialPromoted; key runId. */
    public static final String CONTROL = "control";
    /**
     * TrialEvaluated, TrialJudged, TrialEnded; key sweepId (not runId): the results of one ASHA sweep's trials in
     * one partition and one order, from which the tuner's decisions are derived.
     */
    public static final String TUNING = "tuning";
    /** Poison records of every consumed topic, with the reason in headers (see {@link DeadLetterHeaders}). */
    public static final String DEAD_LETTERS = "dead-letters";

    /** Prefix of the per-run binary training batch topics; batch k sits at offset k of partition 0. */
    public static final String BATCHES_PREFIX = "batches.";
    /** Prefix of the per-run held-out topics; written once, before the first training batch. */
    public static final String HELDOUT_PREFIX = "heldout.";

    /** The static topics, each created by the deployment (k8s KafkaTopic) or on first use locally. */
    public static final List<String> STATIC = List.of(RUNS, TRAIN_METRICS, CHECKPOINTS, EVALUATIONS, CONTROL, TUNING, DEAD_LETTERS);

    /** The static topics have this many partitions (events are keyed by run id, tuning's by sweep id); per-run topics have one. */
    public static final int STATIC_PARTITIONS = 3;

    private static final Pattern SAFE_RUN_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    private Topics() {
    }

    /** The topic an event is published to: each event type has exactly one. */
    public static String forEvent(Event event) {
        return event.accept(TOPIC_OF);
    }

    /** The topic of each event type: the compiler sees every type here, so none falls to a default. */
    private static final Event.Visitor<String> TOPIC_OF = new Event.Visitor<>() {
        public String runRequested(RunRequested e) {
            return RUNS;
        }

        public String runStarted(RunStarted e) {
            return RUNS;
        }

        public String datasetPrepared(DatasetPrepared e) {
            return RUNS;
        }

        public String runCompleted(RunCompleted e) {
            return RUNS;
        }

        public String runFailed(RunFailed e) {
            return RUNS;
        }

        public String runReleased(RunReleased e) {
            return RUNS;
        }

        public String stepMetrics(StepMetrics e) {
            return TRAIN_METRICS;
        }

        public String checkpointSaved(CheckpointSaved e) {
            return CHECKPOINTS;
        }

        public String evaluationStarted(EvaluationStarted e) {
            return EVALUATIONS;
        }

        public String evaluationCompleted(EvaluationCompleted e) {
            return EVALUATIONS;
        }

        public String stopRequested(StopRequested e) {
            return CONTROL;
        }

        public String cancelRequested(CancelRequested e) {
            return CONTROL;
        }

        public String trialEvaluated(TrialEvaluated e) {
            return TUNING;
        }

        public String trialJudged(TrialJudged e) {
            return TUNING;
        }

        public String trialPromoted(TrialPromoted e) {
            return CONTROL;
        }

        public String trialEnded(TrialEnded e) {
            return TUNING;
        }
    };

    public static String batches(String runId) {
        return BATCHES_PREFIX + requireSafeRunId(runId);
    }

    public static String heldOut(String runId) {
        return HELDOUT_PREFIX + requireSafeRunId(runId);
    }

    /** The run id a per-run topic belongs to, or null for other topics. */
    public static String runIdOf(String topic) {
        for (String prefix : List.of(BATCHES_PREFIX, HELDOUT_PREFIX)) {
            if (topic.startsWith(prefix) && isSafeRunId(topic.substring(prefix.length()))) {
                return topic.substring(prefix.length());
            }
        }
        return null;
    }

    public static boolean isSafeRunId(String runId) {
        return runId != null && SAFE_RUN_ID.matcher(runId).matches();
    }

    public static String requireSafeRunId(String runId) {
        if (!isSafeRunId(runId)) {
            throw new IllegalArgumentException("run id must match " + SAFE_RUN_ID.pattern()
                    + " (letters, digits, '-' and '_', at most 64, starting with a letter or digit), was '" + runId + "'");
        }
        return runId;
    }
}
