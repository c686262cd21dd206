package org.overfitguard.contracts.events;

import java.util.ArrayList;
import java.util.List;

/**
 * How the tuner judges the trials of an ASHA sweep (carried by each trial's RunRequested, and by
 * its TrialEvaluated): rungs at {@code minBudget * reductionFactor^k} steps below {@code maxBudget}.
 * <ul>
 * <li>{@code stopping} (or absent): a trial trains on past each rung and is stopped there unless it
 * is in the top 1/reductionFactor of the trials that reached it so far;</li>
 * <li>{@code promotion}: a trial pauses at each rung (its trainer takes other work) until the tuner
 * promotes it (TrialPromoted) or prunes it; the paper's form, which spends no step on a trial
 * before it has earned it.</li>
 * </ul>
 *
 * @param minBudget       the first rung, in training steps (>= 1)
 * @param reductionFactor η, at least 2
 * @param maxBudget       the trials' training.max_steps; no rung at or above it
 * @param mode            stopping or promotion; null means stopping (records written before there was a choice)
 * @param trials          how many trials the sweep has: the promotion form knows from it when a rung is complete
 * @param bootstrap       promotion form: no trial is promoted from a rung before this many reached it (or the
 *                        rung is complete); 0, the paper's rule, promotes as soon as floor(n/eta) >= 1. As Optuna's
 *                        successive-halving pruner's bootstrap_count: set to the number of trials, rungs are synchronous
 */
public record AshaSchedule(long minBudget, int reductionFactor, long maxBudget, AshaMode mode, int trials, int bootstrap) {

    public AshaSchedule(long minBudget, int reductionFactor, long maxBudget, AshaMode mode, int trials) {
        this(minBudget, reductionFactor, maxBudget, mode, trials, 0);
    }

    /** The stopping form, as before there was a choice. */
    public AshaSchedule(long minBudget, int reductionFactor, long maxBudget) {
        this(minBudget, reductionFactor, maxBudget, AshaMode.STOPPING, 0, 0);
    }

    /** Whether trials pause at the rungs and wait to be promoted. */
    public boolean promotion() {
        return mode == AshaMode.PROMOTION;
    }

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

    /** The highest rung at or below {@code step} (0 for min_budget), or -1 below the first. */
    public int rungOf(long step) {
        List<Long> rungs = rungs();
        int rung = -1;
        for (int k = 0; k < rungs.size() && rungs.get(k) <= step; k++) {
            rung = k;
        }
        return rung;
    }

    /**
     * Under promotion, the step a trial may train to once it was promoted from rungs 0..{@code
     * promotedThrough} (-1: from none): the next rung, or max_budget past the last one.
     */
    public long trainUntil(int promotedThrough) {
        List<Long> rungs = rungs();
        int next = promotedThrough + 1;
        return next >= 0 && next < rungs.size() ? rungs.get(next) : maxBudget;
    }
}
