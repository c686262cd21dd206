package org.overfitguard.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StopRequested;

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
        if (e instanceof RunRequested r) {
            requested = r;
        } else if (e instanceof RunStarted s) {
            started = s;
            starts.add(s);
        } else if (e instanceof DatasetPrepared d) {
            dataset = d;
        } else if (e instanceof StepMetrics m) {
            steps.add(m);
        } else if (e instanceof CheckpointSaved c) {
            checkpoints.add(c);
        } else if (e instanceof EvaluationCompleted ev) {
            evaluations.add(ev);
        } else if (e instanceof StopRequested s) {
            stops.add(s);
        } else if (e instanceof RunCompleted c) {
            completed = c;
        } else if (e instanceof RunFailed f) {
            failed = f;
        }
        notifyAll();
    }

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
