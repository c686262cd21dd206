package org.overfitguard.evaluator.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.evaluator.policy.StopState;

/**
 * Per run: which steps are evaluated and the early-stopping state after the last evaluation, folded
 * from the evaluations topic (and from this replica's own evaluations as it makes them). Checkpoints
 * seen before the ledger caught up wait here; once caught up, those not yet evaluated are handed
 * out in step order: they were saved while the evaluator was down.
 */
@ApplicationScoped
public class EvaluationBook {

    private static final class RunEvaluations {
        int partition;
        Trial trial;
        boolean ended;
        String endReason;
        StopState state = StopState.INITIAL;
        EvaluationCompleted last;
        EvaluationCompleted lastOk;
        /** the evaluation at which the early-stopping policy fired, or null: its StopRequested is owed until the run ends */
        EvaluationCompleted fired;
        /** the run's early-stopping settings (from its RunRequested), to word a StopRequested said again; null if unseen */
        EarlyStoppingSpec earlyStopping;
        final Set<Long> evaluated = new HashSet<>();
        /** steps whose evaluation started (EvaluationStarted) and has not completed: the highest attempt number */
        final Map<Long, Integer> attempts = new HashMap<>();
    }

    private final Map<String, RunEvaluations> runs = new HashMap<>();
    private final List<CheckpointSaved> pending = new ArrayList<>();
    private boolean caughtUp;
    /** Changes whenever folded state may have been lost (a revocation, a replay): state read before is stale. */
    private long epoch;

    /** A run that is a trial of an ASHA sweep: its results are forwarded to the tuner. */
    public record Trial(String sweepId, AshaSchedule schedule) {
    }

    /** The early-stopping state of a run as it stands, and when it was read. */
    public record Current(StopState state, EvaluationCompleted last, long epoch) {
    }

    /**
     * The run's state if it can be acted on now (caught up, the run's partition still ours), else
     * null: a checkpoint queued before a rebalance must not be judged against a state that was reset.
     */
    public synchronized Current current(String runId) {
        RunEvaluations r = runs.get(runId);
        return caughtUp && r != null ? new Current(r.state, r.last, epoch) : null;
    }

    /** True while nothing was lost since {@code epoch}: an evaluation computed then may be published. */
    public synchronized boolean stillCurrent(long epoch) {
        return caughtUp && this.epoch == epoch;
    }

    /** True when the checkpoint should be evaluated now; false when it waits for catch-up or is done. */
    public synchronized boolean checkpointSeen(CheckpointSaved c, int partition) {
        run(c.runId()).partition = partition;
        if (isEvaluated(c.runId(), c.step())) {
            return false;
        }
        if (!caughtUp) {
            pending.add(c);
            return false;
        }
        return true;
    }

    /** An evaluation read from the topic ({@code partition}), or made here (-1: the partition stays as it was). */
    public synchronized void evaluationSeen(EvaluationCompleted e, int partition) {
        RunEvaluations r = run(e.runId());
        if (partition >= 0) {
            r.partition = partition;
        }
        r.state = StopState.after(r.state, e);
        r.last = e;
        r.attempts.remove(e.step());
        if (e.stopReason() != null && r.fired == null) {
            r.fired = e; // the decision is made once
        }
        if (e.status() == EvaluationStatus.OK) {
            r.lastOk = e;
        }
        r.evaluated.add(e.step());
    }

    /** An evaluation began ({@code partition} as for evaluationSeen): one more attempt at the step, until it completes. */
    public synchronized void evaluationStarted(EvaluationStarted e, int partition) {
        RunEvaluations r = run(e.runId());
        if (partition >= 0) {
            r.partition = partition;
        }
        if (!r.evaluated.contains(e.step())) {
            r.attempts.merge(e.step(), e.attempt(), Math::max);
        }
    }

    /** How many evaluations of the checkpoint started and never completed (each an evaluator that died on it). */
    public synchronized int attempts(String runId, long step) {
        RunEvaluations r = runs.get(runId);
        return r == null ? 0 : r.attempts.getOrDefault(step, 0);
    }

    /**
     * From topic runs: the run's early-stopping settings, and a RunRequested that names an ASHA
     * schedule makes its run a trial.
     */
    public synchronized void requested(RunRequested r, int partition) {
        RunEvaluations e = run(r.runId());
        e.partition = partition;
        e.earlyStopping = r.spec().earlyStopping();
        if (r.asha() != null) {
            e.trial = new Trial(r.sweepId(), r.asha());
        }
    }

    /** A decision to stop that is owed: the evaluation that fired, and the run's settings (null if unknown). */
    public record OwedStop(EvaluationCompleted fired, EarlyStoppingSpec spec) {
    }

    /**
     * Every run whose policy fired and that has not ended: its StopRequested is said again on
     * catching up, in case the evaluator died (or the send failed) between the EvaluationCompleted
     * that records the decision and the StopRequested that carries it (a trainer takes the first).
     */
    public synchronized List<OwedStop> owedStops() {
        List<OwedStop> owed = new ArrayList<>();
        new java.util.TreeMap<>(runs).forEach((id, r) -> {
            if (r.fired != null && !r.ended) {
                owed.add(new OwedStop(r.fired, r.earlyStopping));
            }
        });
        return owed;
    }

    /**
     * From topic runs: the run ended (completed or failed); its results need no forwarding again.
     * Returns the trial's end for the tuner when it is a trial of a promotion-form sweep (whose rungs
     * close on it) that had not ended before, read after catching up; else null.
     */
    public synchronized TrialEnded ended(String runId, String reason) {
        RunEvaluations r = runs.get(runId);
        if (r == null || r.ended) {
            return null;
        }
        r.ended = true;
        r.endReason = reason;
        // while replaying, null: the ends of open sweeps are forwarded once caught up (trialEndsOfOpenSweeps)
        return r.trial == null || !r.trial.schedule().promotion() || !caughtUp ? null : TrialEnded.of(runId, r.trial.sweepId(), reason);
    }

    /**
     * The ends of the trials of every sweep that still has a trial running: forwarded again on
     * catching up, in case the evaluator died between reading an end and forwarding it (the tuner
     * counts each once). Sweeps whose trials all ended need nothing more.
     */
    public synchronized List<TrialEnded> trialEndsOfOpenSweeps() {
        Set<String> open = new HashSet<>();
        runs.values().forEach(r -> {
            if (r.trial != null && !r.ended) {
                open.add(r.trial.sweepId());
            }
        });
        List<TrialEnded> ends = new ArrayList<>();
        new java.util.TreeMap<>(runs).forEach((id, r) -> {
            if (r.trial != null && r.trial.schedule().promotion() && r.ended && open.contains(r.trial.sweepId())) {
                ends.add(TrialEnded.of(id, r.trial.sweepId(), r.endReason));
            }
        });
        return ends;
    }

    /** The run's sweep and schedule if it is an ASHA trial, else null. */
    public synchronized Trial trial(String runId) {
        RunEvaluations r = runs.get(runId);
        return r == null ? null : r.trial;
    }

    /**
     * The last successful evaluation of each running ASHA trial: forwarded again on catching up, in
     * case the evaluator died between publishing it and forwarding it (the tuner counts it once).
     */
    public synchronized Map<String, EvaluationCompleted> lastTrialResults() {
        Map<String, EvaluationCompleted> last = new java.util.TreeMap<>();
        runs.forEach((id, r) -> {
            EvaluationCompleted x = r.trial == null ? null : r.trial.schedule().promotion() ? r.last : r.lastOk;
            if (x != null && !r.ended) {
                last.put(id, x); // a promotion-form trial's failed evaluation counts too (see EvaluationWorker.forward)
            }
        });
        return last;
    }

    public synchronized boolean isEvaluated(String runId, long step) {
        RunEvaluations r = runs.get(runId);
        return r != null && r.evaluated.contains(step);
    }

    public synchronized StopState state(String runId) {
        return run(runId).state;
    }

    public synchronized EvaluationCompleted last(String runId) {
        return run(runId).last;
    }

    /** Marks the ledger caught up (or not); on catching up returns the waiting checkpoints to evaluate. */
    public synchronized List<CheckpointSaved> setCaughtUp(boolean value) {
        caughtUp = value;
        if (!value) {
            epoch++;
            return List.of();
        }
        List<CheckpointSaved> due = dueOrder(pending.stream().filter(c -> !isEvaluated(c.runId(), c.step())).distinct().toList());
        pending.clear();
        return due;
    }

    /**
     * The order waiting checkpoints are evaluated in: each run's in step order (its policy reads them
     * in sequence), runs taking turns (the first of every run, then the second, ...), and runs whose
     * next checkpoint already killed an evaluator after all the others: one heavy checkpoint never
     * holds up the other runs.
     */
    private List<CheckpointSaved> dueOrder(List<CheckpointSaved> due) {
        Map<String, List<CheckpointSaved>> byRun = new java.util.TreeMap<>();
        due.forEach(c -> byRun.computeIfAbsent(c.runId(), id -> new ArrayList<>()).add(c));
        record Ranked(CheckpointSaved c, boolean attempted, int turn) {
        }
        List<Ranked> ranked = new ArrayList<>();
        byRun.forEach((id, list) -> {
            list.sort(Comparator.comparingLong(CheckpointSaved::step));
            boolean attempted = attempts(id, list.get(0).step()) > 0;
            for (int i = 0; i < list.size(); i++) {
                ranked.add(new Ranked(list.get(i), attempted, i));
            }
        });
        return ranked.stream().sorted(Comparator.comparing(Ranked::attempted).thenComparingInt(Ranked::turn)
                .thenComparing(r -> r.c().runId())).map(Ranked::c).toList();
    }

    public synchronized void forgetPartitions(Set<Integer> partitions) {
        epoch++;
        runs.values().removeIf(r -> partitions.contains(r.partition));
        pending.removeIf(c -> !runs.containsKey(c.runId()));
    }

    private RunEvaluations run(String runId) {
        return runs.computeIfAbsent(runId, id -> new RunEvaluations());
    }
}
