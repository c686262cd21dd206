package org.overfitguard.evaluator.policy;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.overfitguard.contracts.events.AshaSchedule;

/**
 * ASHA in the form of the paper (Li et al., MLSys 2020, Algorithm 2), as a pure rule: a trial pauses
 * at each rung, and is promoted to the next only once it has earned it; nothing trains on
 * speculatively. Fed, in the order of the sweep's partition, with each trial's results and ends.
 *
 * <pre>
 * rungs         r_k = min_budget * eta^k below max_budget (as {@link Asha})
 * result        trial x at rung k (its first evaluation at a step >= r_k): joins rung k, pauses
 * after each    for each rung k, top first:
 *   input         n_k = trials that reached rung k; ranked by loss (ties: the earlier arrival first)
 *                 promote every trial in the top floor(n_k / eta) not promoted from k yet and still running
 *                 (once n_k >= bootstrap; bootstrap 0 is the paper's rule, the number of trials a synchronous rung)
 *                 rung k is complete once every one of the sweep's trials reached it or ended
 *                 complete: promote the top max(1, floor(n_k / eta)); prune every other trial paused at k
 * </pre>
 * The promotions before a rung is complete are the asynchronous part: a worker never waits for
 * stragglers while a trial has earned its next rung. The price: a trial promoted while the rung was
 * young stays promoted when better ones arrive (with 27 trials and two trainers, 15 of 27 left the
 * first rung instead of 9). {@code bootstrap} trades that back: with bootstrap = the number of
 * trials every rung is decided at once, and the steps are exactly the synchronous budget
 * n*r_0 + floor(n/eta)*(r_1-r_0) + ... A trial that ended (its own early stop, a failure) ranks
 * where its result put it but is never promoted; its results after the end are ignored; so are a
 * pruned trial's. Replaying the same inputs in the same order gives the same decisions.
 */
public final class AshaPromotion {

    /** A promotion or a pruning: who, from which rung, and the rung's standing when it was decided. */
    public record Decision(String trial, boolean promote, int rung, long rungStep, long step, double loss, int rank,
                           int reached, int kept) {
    }

    private record Result(String trial, long step, double loss, long arrival) {
    }

    private final AshaSchedule schedule;
    private final int eta;
    private final int trials;
    private final int bootstrap;
    private final List<Long> rungs;
    private final List<Map<String, Result>> reached = new ArrayList<>(); // per rung: trial -> result, in arrival order
    private final List<Set<String>> promoted = new ArrayList<>();
    private final Set<String> pruned = new HashSet<>();
    private final Set<String> ended = new HashSet<>();
    private long arrivals;

    public AshaPromotion(AshaSchedule schedule) {
        if (schedule.minBudget() < 1 || schedule.reductionFactor() < 2 || schedule.maxBudget() < schedule.minBudget()
                || schedule.trials() < 1) {
            throw new IllegalArgumentException("promotion asha needs min_budget >= 1, eta >= 2, max_budget >= min_budget and"
                    + " trials >= 1; was " + schedule);
        }
        this.schedule = schedule;
        this.eta = schedule.reductionFactor();
        this.trials = schedule.trials();
        this.bootstrap = schedule.bootstrap();
        this.rungs = schedule.rungs();
        rungs.forEach(r -> {
            reached.add(new LinkedHashMap<>());
            promoted.add(new HashSet<>());
        });
    }

    /** {@code trial}'s held-out loss at {@code step}; returns the decisions it makes due (possibly none). */
    public List<Decision> record(String trial, long step, double loss) {
        if (pruned.contains(trial) || ended.contains(trial)) {
            return List.of();
        }
        int rung = schedule.rungOf(step);
        if (rung < 0 || reached.get(rung).containsKey(trial)) {
            return List.of(); // below the first rung, or this rung already has its result
        }
        reached.get(rung).put(trial, new Result(trial, step, Double.isFinite(loss) ? loss : Double.POSITIVE_INFINITY, ++arrivals));
        return decide();
    }

    /** {@code trial} ended (completed for any reason, or failed): it can reach no further rung. */
    public List<Decision> ended(String trial) {
        if (!ended.add(trial)) {
            return List.of();
        }
        return decide();
    }

    private List<Decision> decide() {
        List<Decision> out = new ArrayList<>();
        for (int k = rungs.size() - 1; k >= 0; k--) {
            List<Result> ranked = new ArrayList<>(reached.get(k).values());
            ranked.sort(Comparator.comparingDouble(Result::loss).thenComparingLong(Result::arrival));
            int n = ranked.size();
            boolean complete = complete(k);
            int kept = complete ? Math.max(1, n / eta) : n >= bootstrap ? n / eta : 0;
            for (int i = 0; i < ranked.size(); i++) {
                Result r = ranked.get(i);
                if (promoted.get(k).contains(r.trial()) || pruned.contains(r.trial()) || ended.contains(r.trial())) {
                    continue;
                }
                if (i < kept) {
                    promoted.get(k).add(r.trial());
                    out.add(decision(r, true, k, i + 1, n, Math.max(1, kept)));
                } else if (complete) {
                    pruned.add(r.trial());
                    out.add(decision(r, false, k, i + 1, n, Math.max(1, kept)));
                }
            }
        }
        return out;
    }

    /** Every trial of the sweep reached rung k or ended (or was pruned) without it. */
    private boolean complete(int k) {
        Set<String> accounted = new HashSet<>(reached.get(k).keySet());
        accounted.addAll(ended);
        accounted.addAll(pruned);
        return accounted.size() >= trials;
    }

    private Decision decision(Result r, boolean promote, int k, int rank, int n, int kept) {
        return new Decision(r.trial(), promote, k, rungs.get(k), r.step(), r.loss(), rank, n, kept);
    }

    /** The rung budgets in steps, lowest first. */
    public List<Long> rungs() {
        return List.copyOf(rungs);
    }
}
