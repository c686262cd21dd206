package org.overfitguard.lm.checkpoint;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Which checkpoints of a run may be deleted. Kept: the newest {@code keepLast} (what a resume
 * starts from, with spares in case the newest is damaged), the best one (the final model may be
 * promoted from it), and every one not evaluated yet (the evaluator is about to read it, and its
 * evaluation may make it the best). The final model is a copy and is never a candidate.
 */
public final class CheckpointRetention {

    private CheckpointRetention() {
    }

    /**
     * @param steps         steps of the run's checkpoints on disk
     * @param keepLast      how many of the newest to keep (at least 1)
     * @param bestStep      the best evaluated step so far, or null
     * @param lastEvaluated the newest evaluated step, or -1 when none was evaluated
     * @return the steps whose checkpoints can go, ascending
     */
    public static List<Long> deletable(Set<Long> steps, int keepLast, Long bestStep, long lastEvaluated) {
        TreeSet<Long> sorted = new TreeSet<>(steps);
        Set<Long> newest = Set.copyOf(sorted.descendingSet().stream().limit(Math.max(1, keepLast)).toList());
        return sorted.stream()
                .filter(s -> !newest.contains(s))
                .filter(s -> !s.equals(bestStep))
                .filter(s -> s <= lastEvaluated)
                .toList();
    }
}
