package org.overfitguard.trainer.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.messaging.PartitionedBook;

/**
 * The trainer's view of the runs in its partitions, folded from the runs, control and evaluations
 * topics by {@link RunLedger}. Waiters (the scheduler, a run waiting for its dataset or a final
 * evaluation) block on changes with {@link #await}.
 */
@ApplicationScoped
public class RunBook extends PartitionedBook<RunRecord> {

    /** Finished runs kept for GET /runs; older ones are forgotten (their events stay on the topics). */
    static final int MAX_FINISHED = 1000;

    private final Map<String, RunRecord> runs = byRunId();
    private int finished;
    private long arrivals;

    @Override
    public synchronized void apply(Event event, int partition) {
        RunRecord r = runs.computeIfAbsent(event.runId(), RunRecord::new);
        boolean wasFinished = r.finished();
        boolean wasRequested = r.requested != null;
        r.partition = partition;
        r.apply(event);
        if (!wasRequested && r.requested != null) {
            r.arrival = ++arrivals;
        }
        if (!wasFinished && r.finished() && ++finished > MAX_FINISHED) {
            evictOldestFinished();
        }
        changed();
    }

    @Override
    protected int partitionOf(RunRecord r) {
        return r.partition;
    }

    @Override
    protected void forgotten() {
        finished = (int) runs.values().stream().filter(RunRecord::finished).count();
    }

    private void evictOldestFinished() {
        runs.values().stream().filter(RunRecord::finished).min(Comparator.comparingLong(r -> r.order))
                .ifPresent(oldest -> {
                    runs.remove(oldest.runId);
                    finished--;
                });
    }

    public synchronized void markFinishedHere(String runId) {
        RunRecord r = runs.get(runId);
        if (r != null && !r.finished()) {
            r.finishedHere = true;
            finished++;
        }
        changed();
    }

    public synchronized Optional<RunRecord> snapshot(String runId) {
        return Optional.ofNullable(runs.get(runId)).map(RunRecord::copy);
    }

    /** A copy of a run someone asked for (its RunRequested is in), by an id that may come from anyone; else empty. */
    public Optional<RunRecord> requested(String runId) {
        return Topics.isSafeRunId(runId) ? snapshot(runId).filter(r -> r.requested() != null) : Optional.empty();
    }

    public synchronized List<RunRecord> all() {
        return runs.values().stream().filter(r -> r.requested != null).sorted(Comparator.comparingLong(r -> r.order))
                .map(RunRecord::copy).toList();
    }

    /**
     * Takes the next run to train: first one that was started and never finished (a crash
     * interrupted it), then a pending request, fairly: from the sweep (a lone run is a sweep of
     * its own) that has had the fewest runs trained here so far, the oldest first. So a run
     * submitted behind a 27-trial sweep waits for one trial, not for all of them, and two sweeps
     * take turns. A taken run is not handed out again unless {@link #release}d; a trial paused at an
     * ASHA rung waits for its promotion (then, having started, it goes first, as the paper's
     * promotions do).
     */
    public synchronized Optional<RunRecord> take() {
        Collection<RunRecord> candidates = runs.values().stream()
                .filter(r -> r.requested != null && !r.finished() && !r.taken && !r.paused()).toList();
        Map<String, Long> trained = runs.values().stream().filter(r -> r.requested != null && (r.taken || r.started != null || r.finished()))
                .collect(java.util.stream.Collectors.groupingBy(RunBook::share, java.util.stream.Collectors.counting()));
        Optional<RunRecord> next = candidates.stream().filter(r -> r.started != null).min(Comparator.comparingLong(r -> r.order))
                .or(() -> candidates.stream().min(Comparator.<RunRecord>comparingLong(r -> trained.getOrDefault(share(r), 0L))
                        .thenComparingLong(r -> r.order).thenComparingLong(r -> r.arrival)));
        next.ifPresent(r -> r.taken = true);
        return next.map(RunRecord::copy);
    }

    /** What fair queueing shares the trainer between: a run's sweep, or the run itself. */
    private static String share(RunRecord r) {
        return r.requested.sweepId() != null ? r.requested.sweepId() : r.requested.runId();
    }

    /** Takes every queued run that was cancelled before it started: they end without waiting their turn. */
    public synchronized List<RunRecord> takeCancelledWhileQueued() {
        List<RunRecord> cancelled = runs.values().stream()
                .filter(r -> r.requested != null && r.cancel != null && r.started == null && !r.finished() && !r.taken)
                .toList();
        cancelled.forEach(r -> r.taken = true);
        return cancelled.stream().map(RunRecord::copy).toList();
    }

    /**
     * This replica paused the trial at {@code rung} (its RunReleased may not have come back yet):
     * handed back, and not taken again before a promotion, stop or cancel.
     */
    public synchronized void pausedHere(String runId, int rung) {
        RunRecord r = runs.get(runId);
        if (r != null) {
            r.pausedAtRung = Math.max(r.pausedAtRung, rung);
            r.taken = false;
        }
        changed();
    }

    /** The step the run may train to now (see {@link RunRecord#trainUntil}); unbounded when the run is not known here. */
    public synchronized long trainUntil(String runId) {
        RunRecord r = runs.get(runId);
        return r == null || r.requested == null ? Long.MAX_VALUE : r.trainUntil();
    }

    /** The highest ASHA rung of the trial at or below {@code step} (0 when there is none). */
    public synchronized int rungAt(String runId, long step) {
        RunRecord r = runs.get(runId);
        return r == null || r.requested == null || r.requested.asha() == null ? 0 : Math.max(0, r.requested.asha().rungOf(step));
    }

    /** Hands a taken run back (its worker could not carry it on); it is taken again later. */
    public synchronized void release(String runId) {
        RunRecord r = runs.get(runId);
        if (r != null) {
            r.taken = false;
        }
        changed();
    }

    /** Blocks until {@code condition} holds for the run (or the book), or the timeout passes. */
    public synchronized Optional<RunRecord> await(String runId, Predicate<RunRecord> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            RunRecord r = runs.get(runId);
            if (r != null && condition.test(r)) {
                return Optional.of(r.copy());
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return Optional.empty();
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /**
     * Waits for {@code condition} as {@link #await} does, but returns (empty unless it holds) as soon
     * as {@code giveUp} says so (a shutdown) or the run went to another member: checked every second.
     */
    public Optional<RunRecord> awaitWhileHere(String runId, Predicate<RunRecord> condition, Duration timeout,
                                              BooleanSupplier giveUp) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<RunRecord> r = await(runId, condition, Duration.ofSeconds(1));
            if (r.isPresent() || giveUp.getAsBoolean() || gone(runId)) {
                return r;
            }
        }
        return Optional.empty();
    }

    /**
     * A cheap read for the training loop: has a stop or cancel arrived for the run, or has it ended
     * (a RunFailed or RunCompleted someone else published: data-service fails a run whose batches
     * the brokers refuse, and no batch will come)?
     */
    public synchronized StopSignal stopSignal(String runId) {
        RunRecord r = runs.get(runId);
        if (r == null) {
            return StopSignal.ABANDON; // our partition was taken away
        }
        if (r.completed != null || r.failed != null) {
            return StopSignal.ENDED;
        }
        if (r.cancel != null) {
            return StopSignal.CANCEL;
        }
        return r.stop != null ? StopSignal.STOP : StopSignal.NONE;
    }

    /** ENDED: the run has a RunCompleted or RunFailed on the topic already: nothing more is said of it. */
    public enum StopSignal { NONE, STOP, CANCEL, ABANDON, ENDED }
}
