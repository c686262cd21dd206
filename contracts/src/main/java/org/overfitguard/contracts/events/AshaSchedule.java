package org.overfitguard.contracts.events;

import java.util.ArrayList;
import java.util.List;

/**
 * How the tuner judges the trials of an ASHA sweep (carried by each trial's RunRequested, and by
 * its TrialEvaluated): rungs at {@code minBudget * reductionFactor^k} steps below {@code maxBudget};
 * at each rung a trial goes on only if it is in the top 1/reductionFactor of the trials that reached
 * it so far.
 *
 * @param minBudget       the first rung, in training steps (>= 1)
 * @param reductionFactor η, at least 2
 * @param maxBudget       the trials' training.max_steps; no rung at or above it
 */
public record AshaSchedule(long minBudget, int reductionFactor, long maxBudget) {

    /** The rung budgets, lowest first; empty unless min_budget >= 1 and eta >= 2. */
    public List<Long> rungs() {
        List<Long> rungs = new ArrayList<>();
        if (minBudget < 1 || reductionFactor < 2) {
            return rungs;
        }
        for (long r = minBudget; r < maxBudget; r = r > Long.MAX_VALUE / reductionFactor ? Long.MAX_VALUE : r * reductionFactor) {
            rungs.add(r);
        }
        return rungs;
    }
}
