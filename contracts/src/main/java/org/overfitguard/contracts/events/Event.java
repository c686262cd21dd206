package org.overfitguard.contracts.events;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.util.UUID;

/**
 * A control-plane event. Every event names its run, has its own id (for de-duplication) and the time
 * it happened. On the wire it is JSON with a "type" field naming the record, and travels as a
 * CloudEvent in binary mode (ce_type is the same name).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = RunRequested.class, name = "RunRequested"),
        @JsonSubTypes.Type(value = RunStarted.class, name = "RunStarted"),
        @JsonSubTypes.Type(value = DatasetPrepared.class, name = "DatasetPrepared"),
        @JsonSubTypes.Type(value = RunCompleted.class, name = "RunCompleted"),
        @JsonSubTypes.Type(value = RunFailed.class, name = "RunFailed"),
        @JsonSubTypes.Type(value = RunReleased.class, name = "RunReleased"),
        @JsonSubTypes.Type(value = StepMetrics.class, name = "StepMetrics"),
        @JsonSubTypes.Type(value = CheckpointSaved.class, name = "CheckpointSaved"),
        @JsonSubTypes.Type(value = EvaluationStarted.class, name = "EvaluationStarted"),
        @JsonSubTypes.Type(value = EvaluationCompleted.class, name = "EvaluationCompleted"),
        @JsonSubTypes.Type(value = StopRequested.class, name = "StopRequested"),
        @JsonSubTypes.Type(value = CancelRequested.class, name = "CancelRequested"),
        @JsonSubTypes.Type(value = TrialEvaluated.class, name = "TrialEvaluated"),
        @JsonSubTypes.Type(value = TrialJudged.class, name = "TrialJudged"),
        @JsonSubTypes.Type(value = TrialPromoted.class, name = "TrialPromoted"),
        @JsonSubTypes.Type(value = TrialEnded.class, name = "TrialEnded"),
})
public sealed interface Event permits RunRequested, RunStarted, DatasetPrepared, RunCompleted, RunFailed, RunReleased, StepMetrics,
        CheckpointSaved, EvaluationStarted, EvaluationCompleted, StopRequested, CancelRequested, TrialEvaluated, TrialJudged,
        TrialPromoted, TrialEnded {

    String runId();

    /**
     * The Kafka record key: the run id, so a run's events stay in order in one partition; a sweep's
     * tuning events are keyed by the sweep id instead, so the sweep's results share one order.
     */
    default String key() {
        return runId();
    }

    String eventId();

    Instant timestamp();

    /** Calls {@code visitor}'s method for this event's type: the one dispatch over events, exhaustive by construction. */
    <R> R accept(Visitor<R> visitor);

    /**
     * What to do with each kind of event. A new event type is a new method here, so every consumer
     * that dispatches with a visitor fails to compile until it says what it does with it (no silent
     * default branch).
     */
    interface Visitor<R> {
        R runRequested(RunRequested e);

        R runStarted(RunStarted e);

        R datasetPrepared(DatasetPrepared e);

        R runCompleted(RunCompleted e);

        R runFailed(RunFailed e);

        R runReleased(RunReleased e);

        R stepMetrics(StepMetrics e);

        R checkpointSaved(CheckpointSaved e);

        R evaluationStarted(EvaluationStarted e);

        R evaluationCompleted(EvaluationCompleted e);

        R stopRequested(StopRequested e);

        R cancelRequested(CancelRequested e);

        R trialEvaluated(TrialEvaluated e);

        R trialJudged(TrialJudged e);

        R trialPromoted(TrialPromoted e);

        R trialEnded(TrialEnded e);
    }

    /** The wire type name, also the CloudEvents type. */
    default String type() {
        return getClass().getSimpleName();
    }

    static String newId() {
        return UUID.randomUUID().toString();
    }

    static Instant now() {
        return Instant.now();
    }
}
