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
import org.overfitguard.contracts.events.TrialPromoted;
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
    /** a promotion-form ASHA trial: the highest rung it paused at (-1: none) and was promoted from (-1: none) */
    int pausedAtRung = -1;
    int promotedThrough = -1;

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
        } else if (event instanceof RunReleased e) {
            releasesFromSameStep = Math.min(startsFromSameStep, releasesFromSameStep + 1);
            if (e.pausedAtRung() != null) {
                pausedAtRung = Math.max(pausedAtRung, e.pausedAtRung());
            }
        } else if (event instanceof TrialPromoted e) {
            promotedThrough = Math.max(promotedThrough, e.rung());
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
        if (paused()) {
            return RunStatus.PAUSED;
        }
        return started != null ? RunStatus.RUNNING : RunStatus.PENDING;
    }

    /**
     * A trial of a promotion-form ASHA sweep that waits at a rung: not handed out until the tuner
     * promotes it (TrialPromoted), or a stop (pruned, or its own early stop) or a cancel ends it.
     */
    public boolean paused() {
        return pausedAtRung > promotedThrough && stop == null && cancel == null && !finished();
    }

    /**
     * The step the run may train to now: max_steps, or under the promotion form of ASHA the next
     * rung it has not been promoted past.
     */
    public long trainUntil() {
        long max = requested.spec().training().maxSteps();
        return requested.asha() != null && requested.asha().promotion() ? Math.min(max, requested.asha().trainUntil(promotedThrough))
                : max;
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
        c.pausedAtRung = pausedAtRung;
        c.promotedThrough = promotedThrough;
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
