package org.overfitguard.trainer.ledger;

import java.time.Instant;
import java.util.TreeMap;
import org.overfitguard.contracts.events.CancelRequested;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.lm.export.ModelCard;

/**
 * Everything the ledger has seen of one run, folded from its events. Guarded by the owning
 * {@link RunBook}'s lock; readers take {@link RunBook#snapshot} copies.
 */
public final class RunRecord {

    final String runId;
    int partition = -1;
    long order = Long.MAX_VALUE; // request time, for queue order
    long arrival; // the book's count of requests when this one came: breaks ties of request time
    RunRequested requested;
    RunStarted started;
    DatasetPrepared dataset;
    RunCompleted completed;
    RunFailed failed;
    StopRequested stop;
    CancelRequested cancel;
    EvaluationCompleted lastEvaluation;
    /**
     * What each evaluated step scored (a few numbers per evaluation): the held-out loss of the best
     * step whatever the monitor, the newest evaluated step, and the model card of an export.
     */
    final TreeMap<Long, ModelCard.Scores> scoresByStep = new TreeMap<>();
    /** when the first attempt started, for the training time on the model card */
    Instant firstStarted;
    /** this replica already finished it (its own RunCompleted may not have come back yet) */
    boolean finishedHere;
    /** this replica's worker (or its cancel sweeper) has taken it */
    boolean taken;
    /** RunStarted events in a row that resumed from the same step as the latest */
    int startsFromSameStep;
    /** RunReleased events since those starts: attempts that let the run go cleanly, not attempts that died */
    int releasesFromSameStep;

    RunRecord(String runId) {
        this.runId = runId;
    }

    void apply(Event event) {
        if (event instanceof RunRequested e) {
            requested = e;
            order = e.timestamp().toEpochMilli();
        } else if (event instanceof RunStarted e) {
            boolean sameStep = started != null && started.resumedFromStep() == e.resumedFromStep();
            startsFromSameStep = sameStep ? startsFromSameStep + 1 : 1;
            releasesFromSameStep = sameStep ? releasesFromSameStep : 0;
            started = e;
            firstStarted = firstStarted == null ? e.timestamp() : firstStarted;
        } else if (event instanceof RunReleased) {
            releasesFromSameStep = Math.min(startsFromSameStep, releasesFromSameStep + 1);
        } else if (event instanceof DatasetPrepared e) {
            dataset = e;
        } else if (event instanceof RunCompleted e) {
            completed = e;
        } else if (event instanceof RunFailed e) {
            failed = e;
        } else if (event instanceof StopRequested e) {
            if (stop == null) {
                stop = e; // the first decision counts
            }
        } else if (event instanceof CancelRequested e) {
            cancel = e;
        } else if (event instanceof EvaluationCompleted e) {
            lastEvaluation = e;
            if (e.status() == EvaluationStatus.OK) { // then EventContract requires the loss, perplexity and accuracy
                scoresByStep.put(e.step(), ModelCard.Scores.of(e, false)); // samples stay in the topic
            }
        }
    }

    public boolean finished() {
        return completed != null || failed != null || finishedHere;
    }

    public RunStatus status() {
        if (failed != null) {
            return RunStatus.FAILED;
        }
        if (completed != null) {
            return completed.reason() == CompletionReason.CANCELLED ? RunStatus.CANCELLED : RunStatus.COMPLETED;
        }
        return started != null ? RunStatus.RUNNING : RunStatus.PENDING;
    }

    RunRecord copy() {
        RunRecord c = new RunRecord(runId);
        c.partition = partition;
        c.order = order;
        c.arrival = arrival;
        c.requested = requested;
        c.started = started;
        c.dataset = dataset;
        c.completed = completed;
        c.failed = failed;
        c.stop = stop;
        c.cancel = cancel;
        c.lastEvaluation = lastEvaluation;
        c.scoresByStep.putAll(scoresByStep);
        c.firstStarted = firstStarted;
        c.finishedHere = finishedHere;
        c.taken = taken;
        c.startsFromSameStep = startsFromSameStep;
        c.releasesFromSameStep = releasesFromSameStep;
        return c;
    }

    public String runId() {
        return runId;
    }

    public int partition() {
        return partition;
    }

    public RunRequested requested() {
        return requested;
    }

    public RunStarted started() {
        return started;
    }

    public DatasetPrepared dataset() {
        return dataset;
    }

    public RunCompleted completed() {
        return completed;
    }

    public RunFailed failed() {
        return failed;
    }

    public StopRequested stop() {
        return stop;
    }

    public CancelRequested cancel() {
        return cancel;
    }

    public EvaluationCompleted lastEvaluation() {
        return lastEvaluation;
    }

    /**
     * How many attempts started from {@code step} and died there (no newer checkpoint, no RunReleased):
     * a trainer killed, out of memory or failing on this run each time.
     */
    public int attemptsFrom(long step) {
        return started != null && started.resumedFromStep() == step ? startsFromSameStep - releasesFromSameStep : 0;
    }

    /** The newest evaluated step, or -1. */
    public long lastEvaluatedStep() {
        return scoresByStep.isEmpty() ? -1 : scoresByStep.lastKey();
    }

    /** What the evaluator measured at {@code step}, or null if it was not scored. */
    public ModelCard.Scores scoresAt(long step) {
        EvaluationCompleted last = lastEvaluation;
        return last != null && last.step() == step && last.status() == EvaluationStatus.OK ? ModelCard.Scores.of(last, true)
                : scoresByStep.get(step);
    }

    public Instant firstStarted() {
        return firstStarted;
    }

    public Double heldOutLossAt(Long step) {
        ModelCard.Scores scores = step == null ? null : scoresByStep.get(step);
        return scores == null ? null : scores.heldOutLoss();
    }
}
