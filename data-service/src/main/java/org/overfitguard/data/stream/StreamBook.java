package org.overfitguard.data.stream;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;
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
import org.overfitguard.messaging.PartitionedBook;

/**
 * Which runs of this replica's partitions need a batch stream: a run needs one from its (latest)
 * RunStarted until it completes, fails, or is asked to stop or cancel, except while it is paused at
 * an ASHA rung (a RunReleased with paused_at_rung, until its next RunStarted): a paused trial holds
 * no thread and no dataset. {@code launched} says a stream was started for it; a run forgotten with
 * its partition comes back unlaunched at replay.
 */
@ApplicationScoped
public class StreamBook extends PartitionedBook<StreamBook.Entry> {

    /** A run's streaming state. {@code started} is the latest RunStarted; {@code ended} once terminal; {@code paused} at a rung. */
    public record Entry(String runId, int partition, RunStarted started, boolean ended, boolean launched, boolean paused) {
        Entry withEnded() {
            return new Entry(runId, partition, started, true, launched, paused);
        }

        Entry withLaunched(boolean value) {
            return new Entry(runId, partition, started, ended, value, paused);
        }

        Entry withPaused(boolean value) {
            return new Entry(runId, partition, started, ended, launched, value);
        }
    }

    private final Map<String, Entry> runs = byRunId();

    @Override
    public synchronized void apply(Event event, int partition) {
        Entry known = runs.getOrDefault(event.runId(), new Entry(event.runId(), partition, null, false, false, false));
        Entry e = event.accept(new Effect(known, partition));
        if (e == null) {
            return;
        }
        runs.put(event.runId(), e);
        changed();
    }

    @Override
    protected int partitionOf(Entry e) {
        return e.partition();
    }

    public synchronized void markEnded(String runId) {
        runs.computeIfPresent(runId, (id, e) -> e.withEnded());
        changed();
    }

    /** Whether a stream serves the run (false again: it needs a new one). */
    public synchronized void markLaunched(String runId, boolean launched) {
        runs.computeIfPresent(runId, (id, e) -> e.withLaunched(launched));
        changed();
    }

    public synchronized boolean ended(String runId) {
        Entry e = runs.get(runId);
        return e == null || e.ended();
    }

    /** Whether the run waits at an ASHA rung: its stream stops, and starts again with its next RunStarted. */
    public synchronized boolean paused(String runId) {
        Entry e = runs.get(runId);
        return e != null && e.paused();
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(runs.values());
    }

    /** A run's entry after an event: started (by whom, from where), ended, or null when the event changes nothing here. */
    private record Effect(Entry e, int partition) implements Event.Visitor<Entry> {
        public Entry runStarted(RunStarted s) {
            return new Entry(e.runId(), partition, s, e.ended(), e.launched(), false);
        }

        public Entry runCompleted(RunCompleted c) {
            return e.withEnded();
        }

        public Entry runFailed(RunFailed f) {
            return e.withEnded();
        }

        public Entry stopRequested(StopRequested s) {
            return e.withEnded();
        }

        public Entry cancelRequested(CancelRequested c) {
            return e.withEnded();
        }

        public Entry trialEvaluated(TrialEvaluated t) {
            return e; // a tuning event (not on the topics this book reads)
        }

        public Entry trialJudged(TrialJudged t) {
            return e;
        }

        public Entry trialPromoted(TrialPromoted x) {
            return e;
        }

        public Entry evaluationStarted(EvaluationStarted x) {
            return e;
        }

        public Entry trialEnded(TrialEnded x) {
            return e;
        }

        public Entry runRequested(RunRequested r) {
            return null;
        }

        public Entry datasetPrepared(DatasetPrepared d) {
            return null;
        }

        public Entry runReleased(RunReleased r) {
            // paused at a rung: the stream stops until the next RunStarted; released otherwise (a shutdown,
            // a rebalance): the stream waits for the next RunStarted, ahead as it is
            return r.pausedAtRung() != null ? e.withPaused(true) : null;
        }

        public Entry stepMetrics(StepMetrics m) {
            return null;
        }

        public Entry checkpointSaved(CheckpointSaved c) {
            return null;
        }

        public Entry evaluationCompleted(EvaluationCompleted ev) {
            return null;
        }
    }
}
