package org.overfitguard.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
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

/** Everything seen of one run, in arrival order: what the progress view draws and the tests check. */
public final class RunTracker {

    private final String runId;
    private RunRequested requested;
    private RunStarted started;
    private DatasetPrepared dataset;
    private final List<StepMetrics> steps = new ArrayList<>();
    private final List<CheckpointSaved> checkpoints = new ArrayList<>();
    private final List<EvaluationCompleted> evaluations = new ArrayList<>();
    private final List<StopRequested> stops = new ArrayList<>();
    private final List<RunStarted> starts = new ArrayList<>();
    private RunCompleted completed;
    private RunFailed failed;

    RunTracker(String runId) {
        this.runId = runId;
    }

    synchronized void apply(Event e) {
        e.accept(fold);
        notifyAll();
    }

    /** What each event adds to the run's picture (one method per event type; the compiler checks all are here). */
    private final Event.Visitor<Void> fold = new Event.Visitor<>() {
        public Void runRequested(RunRequested e) {
            requested = e;
            return null;
        }

        public Void runStarted(RunStarted e) {
            started = e;
            starts.add(e);
            return null;
        }

        public Void datasetPrepared(DatasetPrepared e) {
            dataset = e;
            return null;
        }

        public Void runCompleted(RunCompleted e) {
            completed = e;
            return null;
        }

        public Void runFailed(RunFailed e) {
            failed = e;
            return null;
        }

        public Void runReleased(RunReleased e) {
            return null; // a trainer let the run go; the next RunStarted says who took it
        }

        public Void stepMetrics(StepMetrics e) {
            steps.add(e);
            return null;
        }

        public Void checkpointSaved(CheckpointSaved e) {
            checkpoints.add(e);
            return null;
        }

        public Void evaluationCompleted(EvaluationCompleted e) {
            evaluations.add(e);
            return null;
        }

        public Void stopRequested(StopRequested e) {
            stops.add(e);
            return null;
        }

        public Void cancelRequested(CancelRequested e) {
            return null; // the trainer answers with RunCompleted(cancelled)
        }

        public Void trialEvaluated(TrialEvaluated e) {
            return null;
        }

        public Void trialJudged(TrialJudged e) {
            return null;
        }

        public Void trialPromoted(TrialPromoted x) {
            return null;
        }

        public Void evaluationStarted(EvaluationStarted x) {
            return null;
        }

        public Void trialEnded(TrialEnded x) {
            return null;
        }
    };

    public synchronized boolean finished() {
        return completed != null || failed != null;
    }

    public String runId() {
        return runId;
    }

    public synchronized RunRequested requested() {
        return requested;
    }

    public synchronized RunStarted started() {
        return started;
    }

    public synchronized List<RunStarted> starts() {
        return List.copyOf(starts);
    }

    public synchronized DatasetPrepared dataset() {
        return dataset;
    }

    public synchronized List<StepMetrics> steps() {
        return List.copyOf(steps);
    }

    /** Cross-entropy by step, the last report of each step winning (a resumed run reports some steps again). */
    public synchronized TreeMap<Long, Double> crossEntropyByStep() {
        TreeMap<Long, Double> byStep = new TreeMap<>();
        steps.forEach(m -> byStep.put(m.step(), m.crossEntropy()));
        return byStep;
    }

    public synchronized List<CheckpointSaved> checkpoints() {
        return List.copyOf(checkpoints);
    }

    public synchronized List<EvaluationCompleted> evaluations() {
        return List.copyOf(evaluations);
    }

    public synchronized Optional<EvaluationCompleted> lastEvaluation() {
        return evaluations.isEmpty() ? Optional.empty() : Optional.of(evaluations.get(evaluations.size() - 1));
    }

    /** The evaluation of a step (the last one, if evaluated twice). */
    public synchronized Optional<EvaluationCompleted> evaluationAt(Long step) {
        return evaluations.stream().filter(e -> step != null && e.step() == step).reduce((a, b) -> b);
    }

    public synchronized List<StopRequested> stops() {
        return List.copyOf(stops);
    }

    public synchronized RunCompleted completed() {
        return completed;
    }

    public synchronized RunFailed failed() {
        return failed;
    }

    /** Waits until the run finished, at most {@code millis}. */
    public synchronized boolean awaitFinished(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (!finished()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                return false;
            }
            wait(Math.min(left, 1000));
        }
        return true;
    }

    /** Waits until the run's RunRequested was seen, at most {@code millis}. */
    public synchronized void awaitRequested(long millis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + millis;
        while (requested == null && System.currentTimeMillis() < deadline) {
            wait(200);
        }
    }

    /** Waits for a change, at most {@code millis}. */
    public synchronized void awaitChange(long millis) throws InterruptedException {
        wait(millis);
    }
}
