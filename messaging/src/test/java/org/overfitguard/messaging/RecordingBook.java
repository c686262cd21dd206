package org.overfitguard.messaging;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.overfitguard.contracts.events.Event;

/** A book that remembers what the ledger told it, and can be told to fail on some events. */
final class RecordingBook implements EventLedger.Listener {

    final List<Event> applied = new ArrayList<>();
    final Map<String, Integer> partitionOf = new HashMap<>();
    final List<Set<Integer>> forgotten = new ArrayList<>();
    volatile Predicate<Event> failOn = e -> false;
    volatile int failSetCaughtUpTimes;
    private boolean caughtUp;
    private int caughtUpCount;

    @Override
    public synchronized void apply(Event event, int partition) {
        if (failOn.test(event)) {
            throw new IllegalStateException("book refuses " + event.eventId());
        }
        applied.add(event);
        partitionOf.put(event.runId(), partition);
    }

    @Override
    public synchronized void setCaughtUp(boolean value) {
        if (!value && failSetCaughtUpTimes > 0) {
            failSetCaughtUpTimes--;
            throw new IllegalStateException("failing in a rebalance callback");
        }
        caughtUp = value;
        if (value) {
            caughtUpCount++;
        }
    }

    @Override
    public synchronized void forgetPartitions(Set<Integer> partitions) {
        forgotten.add(Set.copyOf(partitions));
        applied.removeIf(e -> partitions.contains(partitionOf.get(e.runId())));
        partitionOf.values().removeIf(partitions::contains);
    }

    synchronized boolean caughtUp() {
        return caughtUp;
    }

    synchronized int caughtUpCount() {
        return caughtUpCount;
    }

    synchronized List<String> eventIds() {
        return applied.stream().map(Event::eventId).toList();
    }

    synchronized Set<Integer> partitions() {
        return Set.copyOf(partitionOf.values());
    }
}
