package org.overfitguard.monitor.history;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A run's points in step order, at most {@code limit} of them. A point for a step already present
 * replaces it (a redelivered event, or a trainer that resumed from a checkpoint and repeats steps).
 * When the series is full, every other point is dropped and from then on only every
 * {@code stride}-th arriving point is kept, so a long run keeps its whole shape at a coarser grain;
 * the latest point is always kept. Not thread-safe: {@link RunHistory} guards it.
 */
final class BoundedSeries<T> {

    private final ToLongFunction<T> stepOf;
    private final int limit;
    private final List<T> points = new ArrayList<>();
    private T latest;
    private long stride = 1;
    private long arrivals;

    BoundedSeries(int limit, ToLongFunction<T> stepOf) {
        if (limit < 2) {
            throw new IllegalArgumentException("monitor.history-limit must be at least 2, was " + limit);
        }
        this.limit = limit;
        this.stepOf = stepOf;
    }

    void add(T point) {
        if (latest == null || stepOf.applyAsLong(point) >= stepOf.applyAsLong(latest)) {
            latest = point;
        }
        int at = indexOf(stepOf.applyAsLong(point));
        if (at >= 0) {
            points.set(at, point);
            return;
        }
        if (arrivals++ % stride != 0) {
            return; // thinned out; still shown while it is the latest
        }
        points.add(-at - 1, point);
        if (points.size() > limit) {
            thin();
        }
    }

    /** The kept points in step order, ending with the latest point. */
    List<T> points() {
        List<T> copy = new ArrayList<>(points);
        if (latest != null && (copy.isEmpty() || stepOf.applyAsLong(copy.get(copy.size() - 1)) < stepOf.applyAsLong(latest))) {
            copy.add(latest);
        }
        return copy;
    }

    /** The point of this step, or null if it is not kept. */
    T at(long step) {
        int at = indexOf(step);
        return at >= 0 ? points.get(at) : null;
    }

    T latest() {
        return latest;
    }

    boolean isEmpty() {
        return latest == null;
    }

    private void thin() {
        List<T> kept = new ArrayList<>(points.size() / 2 + 1);
        for (int i = 0; i < points.size(); i += 2) {
            kept.add(points.get(i));
        }
        T last = points.get(points.size() - 1);
        if (kept.get(kept.size() - 1) != last) {
            kept.add(last);
        }
        points.clear();
        points.addAll(kept);
        stride *= 2;
    }

    /** Binary search by step: the index, or -(insertion point) - 1. */
    private int indexOf(long step) {
        int lo = 0;
        int hi = points.size() - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            long s = stepOf.applyAsLong(points.get(mid));
            if (s < step) {
                lo = mid + 1;
            } else if (s > step) {
                hi = mid - 1;
            } else {
                return mid;
            }
        }
        return -lo - 1;
    }
}
