package org.overfitguard.messaging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * What a service knows of the runs in the partitions it owns, folded by an {@link EventLedger}:
 * one entry per run id, each knowing its partition; whether the ledger has caught up; and a wait
 * for the next change. The book is its own lock: every method here holds it, subclasses fold under
 * it too ({@link #byRunId()} is theirs to change there), and every change wakes the waiters.
 *
 * <pre>
 * ledger thread:  apply(event, partition) -> fold into byRunId(), changed()
 *                 setCaughtUp(false) at (re)assignment ... setCaughtUp(true) once read to the end
 *                 forgetPartitions(lost) -> entries of those partitions dropped, forgotten()
 * workers:        awaitChange(timeout), caughtUp(), gone(runId)
 * </pre>
 *
 * @param <E> one run's entry
 */
public abstract class PartitionedBook<E> implements EventLedger.Listener {

    private final Map<String, E> entries = new HashMap<>();
    private boolean caughtUp;

    /** The partition {@code entry} was read from. */
    protected abstract int partitionOf(E entry);

    /** After {@link #forgetPartitions} dropped entries: recount what the subclass counts. Nothing by default. */
    protected void forgotten() {
    }

    /** The entries by run id; only under the book's lock (in a synchronized method of the subclass). */
    protected Map<String, E> byRunId() {
        return entries;
    }

    /** Wakes everyone waiting for a change; call it after changing an entry. */
    protected void changed() {
        notifyAll();
    }

    /** The ledger read every assigned partition up to where it ended at assignment (or fell behind again). */
    @Override
    public synchronized void setCaughtUp(boolean value) {
        caughtUp = value;
        notifyAll();
    }

    public synchronized boolean caughtUp() {
        return caughtUp;
    }

    /** Forgets the runs of partitions this replica no longer owns; their events stay on the topics. */
    @Override
    public synchronized void forgetPartitions(Set<Integer> partitions) {
        entries.values().removeIf(e -> partitions.contains(partitionOf(e)));
        forgotten();
        notifyAll();
    }

    /**
     * True when the run is no longer this replica's: the ledger has caught up and the run is not in
     * the book (its partition went to another member). Right after a revocation the run is missing
     * until the replay brings it back: that is not gone.
     */
    public synchronized boolean gone(String runId) {
        return caughtUp && !entries.containsKey(runId);
    }

    /** Waits for any change, at most {@code timeout}. */
    public synchronized void awaitChange(Duration timeout) throws InterruptedException {
        wait(Math.max(1, timeout.toMillis()));
    }
}
