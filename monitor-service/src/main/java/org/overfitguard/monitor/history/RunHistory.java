package org.overfitguard.monitor.history;

import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.overfitguard.contracts.events.CancelRequested;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.EvaluationStatus;
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
import org.overfitguard.contracts.spec.RunSpec;

/**
 * Everything the monitor knows about one run, folded from its events in whatever order the topics
 * deliver them (each topic is ordered per run, topics are not ordered with each other). Events
 * seen again (at-least-once delivery) are recognised by id and ignored. Thread-safe.
 */
public final class RunHistory {

    private static final int REMEMBERED_EVENT_IDS = 1024;
    private static final String HELDOUT_LOSS_MONITOR = "heldout_loss";

    private final String runId;
    private final BoundedSeries<StepMetrics> steps;
    private final BoundedSeries<EvaluationCompleted> evaluations;
    private final Set<String> seen = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_EVENT_IDS;
        }
    });

    private RunRequested requested;
    private RunStarted started;
    private int pausedAtRung = -1;
    private int promotedThrough = -1;
    private DatasetPrepared dataset;
    private StopRequested stop;
    private RunCompleted completion;
    private RunFailed failure;
    private EvaluationCompleted lastOkEvaluation;
    private int checkpoints;
    private double stepsPerSecond = Double.NaN;
    private Instant updatedAt = Instant.EPOCH;

    RunHistory(String runId, int historyLimit) {
        this.runId = runId;
        this.steps = new BoundedSeries<>(historyLimit, StepMetrics::step);
        this.evaluations = new BoundedSeries<>(historyLimit, EvaluationCompleted::step);
    }

    public String runId() {
        return runId;
    }

    /** Folds one event in; false when this event was already applied. */
    synchronized boolean apply(Event event) {
        if (!seen.add(event.eventId())) {
            return false;
        }
        if (event.timestamp() != null && event.timestamp().isAfter(updatedAt)) {
            updatedAt = event.timestamp();
        }
        event.accept(fold);
        return true;
    }

    /** What each event adds to the run's history (one method per event type; the compiler checks all are here). */
    private final Event.Visitor<Void> fold = new Event.Visitor<>() {
        public Void runRequested(RunRequested e) {
            requested = e;
            return null;
        }

        public Void runStarted(RunStarted e) {
            started = e;
            return null;
        }

        public Void datasetPrepared(DatasetPrepared e) {
            dataset = e;
            return null;
        }

        public Void runCompleted(RunCompleted e) {
            completion = e;
            return null;
        }

        public Void runFailed(RunFailed e) {
            failure = e;
            return null;
        }

        public Void runReleased(RunReleased e) {
            if (e.pausedAtRung() != null) {
                pausedAtRung = Math.max(pausedAtRung, e.pausedAtRung()); // a trial waits at its rung
            }
            return null; // otherwise a trainer let the run go; nothing to show until it starts again
        }

        public Void stepMetrics(StepMetrics e) {
            step(e);
            return null;
        }

        public Void checkpointSaved(CheckpointSaved e) {
            checkpoints++;
            return null;
        }

        public Void evaluationStarted(EvaluationStarted e) {
            return null; // its EvaluationCompleted follows (or, after repeated deaths, an error evaluation that says so)
        }

        public Void evaluationCompleted(EvaluationCompleted e) {
            evaluation(e);
            return null;
        }

        public Void stopRequested(StopRequested e) {
            stop = stop == null ? e : stop;
            return null;
        }

        public Void cancelRequested(CancelRequested e) {
            return null; // nothing to show until the trainer answers with RunCompleted(cancelled)
        }

        public Void trialEvaluated(TrialEvaluated e) {
            return null; // the same result as its EvaluationCompleted
        }

        public Void trialJudged(TrialJudged e) {
            return null; // a pruned trial shows as its StopRequested and RunCompleted(pruned)
        }

        public Void trialPromoted(TrialPromoted x) {
            promotedThrough = Math.max(promotedThrough, x.rung());
            return null;
        }

        public Void trialEnded(TrialEnded x) {
            return null; // a promotion shows as the trial training on; its end as RunCompleted
        }
    };

    private void step(StepMetrics m) {
        StepMetrics previous = steps.latest();
        steps.add(m);
        if (previous != null && m.step() > previous.step() && m.timestamp() != null && previous.timestamp() != null) {
            double seconds = (m.timestamp().toEpochMilli() - previous.timestamp().toEpochMilli()) / 1000.0;
            if (seconds > 0) {
                stepsPerSecond = (m.step() - previous.step()) / seconds;
            }
        } else if (previous == null && m.stepSeconds() > 0) {
            stepsPerSecond = 1.0 / m.stepSeconds(); // until a second point gives the real pace
        }
    }

    private void evaluation(EvaluationCompleted e) {
        evaluations.add(e);
        if (e.status() == EvaluationStatus.OK && (lastOkEvaluation == null || e.step() >= lastOkEvaluation.step())) {
            lastOkEvaluation = e;
        }
    }

    public synchronized RunState state() {
        if (failure != null) {
            return RunState.FAILED;
        }
        if (completion != null) {
            return completion.reason() == CompletionReason.CANCELLED ? RunState.CANCELLED : RunState.COMPLETED;
        }
        if (pausedAtRung > promotedThrough && stop == null) {
            return RunState.PAUSED;
        }
        if (started != null || !steps.isEmpty() || !evaluations.isEmpty() || checkpoints > 0) {
            return RunState.RUNNING;
        }
        return RunState.PENDING;
    }

    public synchronized Instant updatedAt() {
        return updatedAt;
    }

    /** The last step metrics, or null. */
    public synchronized StepMetrics lastStep() {
        return steps.latest();
    }

    /** The latest evaluation (ok or not), or null. */
    public synchronized EvaluationCompleted lastEvaluation() {
        return evaluations.latest();
    }

    /** The latest successful evaluation, or null. */
    public synchronized EvaluationCompleted lastOkEvaluation() {
        return lastOkEvaluation;
    }

    public synchronized double stepsPerSecond() {
        return stepsPerSecond;
    }

    public synchronized long step() {
        long step = steps.isEmpty() ? 0 : steps.latest().step();
        return completion == null ? step : Math.max(step, completion.steps());
    }

    /** Step of the best evaluation so far, or of the final model once completed; null if none. */
    public synchronized Long bestStep() {
        if (completion != null && completion.bestStep() != null) {
            return completion.bestStep();
        }
        EvaluationCompleted last = evaluations.latest();
        return last == null ? null : last.bestStep();
    }

    public synchronized Double bestHeldoutLoss() {
        if (completion != null && completion.bestHeldOutLoss() != null) {
            return completion.bestHeldOutLoss();
        }
        Long best = bestStep();
        EvaluationCompleted atBest = best == null ? null : evaluations.at(best);
        if (atBest != null && atBest.heldOutLoss() != null) {
            return atBest.heldOutLoss();
        }
        EvaluationCompleted last = evaluations.latest();
        return last != null && HELDOUT_LOSS_MONITOR.equals(last.monitor()) ? last.bestValue() : null;
    }

    public synchronized RunSummary summary() {
        RunSpec spec = spec();
        EvaluationCompleted last = evaluations.latest();
        StepMetrics lastStep = steps.latest();
        return new RunSummary(runId, spec == null ? null : spec.name(), state().label(), step(),
                spec == null ? null : spec.training().maxSteps(),
                lastStep == null ? null : lastStep.crossEntropy(),
                lastOkEvaluation == null ? null : lastOkEvaluation.heldOutLoss(),
                bestHeldoutLoss(), bestStep(), stopReason(),
                last == null ? null : last.patienceLeft(),
                requested == null ? null : requested.sweepId(), requested == null ? null : requested.variant(),
                updatedAt);
    }

    public synchronized RunDetail detail() {
        StepMetrics lastStep = steps.latest();
        return new RunDetail(summary(), spec(), dataset,
                started == null ? null : started.device(), started == null ? null : started.trainerId(),
                requested == null ? null : requested.timestamp(), started == null ? null : started.timestamp(),
                lastStep == null ? null : lastStep.tokensPerSecond(),
                Double.isNaN(stepsPerSecond) ? null : stepsPerSecond, checkpoints,
                steps.points().stream().map(StepPoint::of).toList(),
                evaluations.points().stream().map(EvaluationPoint::of).toList(),
                stop, completion, failure);
    }

    private RunSpec spec() {
        return requested != null ? requested.spec() : started != null ? started.spec() : null;
    }

    private String stopReason() {
        if (stop != null) {
            return stop.reason().name().toLowerCase(Locale.ROOT);
        }
        return completion == null ? null : completion.reason().name().toLowerCase(Locale.ROOT);
    }
}
