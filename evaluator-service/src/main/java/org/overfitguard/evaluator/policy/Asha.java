package org.overfitguard.evaluator.policy;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.overfitguard.contracts.events.AshaSchedule;

/**
 * Asynchronous successive halving (Li et al., "A System for Massively Parallel Hyperparameter
 * Tuning", MLSys 2020) in its stopping form, as a pure rule over the results a sweep has seen.
 *
 * <pre>
 * rungs      r_k = min_budget * eta^k steps, k = 0, 1, ... while r_k < max_budget
 * a trial    reaching rung k with held-out loss x (its first evaluation at a step >= r_k):
 *            n = trials that have reached rung k so far, itself included
 *            rank = 1 + trials there with a lower loss (ties: the one that reached it first ranks higher)
 *            continues  iff rank <= ceil(n / eta)      (the top 1/eta, rounded up: the first always goes on)
 *            else       pruned (StopRequested, reason pruned; its best checkpoint stays its result)
 * </pre>
 * Asynchronous: nobody waits for stragglers; a trial is judged against whoever reached its rung
 * before it, and a later, better trial never revives one already pruned. A NaN or infinite loss
 * ranks last. A trial judged at a rung is not judged there again (a repeated evaluation changes
 * nothing), and a pruned trial's later results (evaluations already under way when it was stopped)
 * are ignored, so replaying the same results in the same order gives the same decisions.
 */
public final class Asha {

    /** What happened when a result was recorded. */
    public enum Decision { BELOW_FIRST_RUNG, CONTINUE, PRUNE, ALREADY_JUDGED, ALREADY_PRUNED }

    /**
     * A result's fate; for CONTINUE and PRUNE also where: the rung (index and steps), the result's
     * rank among the {@code reached} trials at that rung, and how many of those go on ({@code kept}).
     */
    public record Judgement(Decision decision, int rung, long rungStep, int rank, int reached, int kept) {

        static Judgement none(Decision d) {
            return new Judgement(d, -1, 0, 0, 0, 0);
        }

        public boolean isDecision() {
            return decision == Decision.CONTINUE || decision == Decision.PRUNE;
        }
    }

    private final AshaSchedule schedule;
    private final List<Map<String, Double>> reached = new ArrayList<>(); // per rung: trial -> loss, in arrival order
    private final Set<String> pruned = new HashSet<>();

    public Asha(long minBudget, int eta, long maxBudget) {
        if (minBudget < 1 || eta < 2 || maxBudget < minBudget) {
            throw new IllegalArgumentException("asha needs min_budget >= 1, eta >= 2 and max_budget >= min_budget; was "
                    + minBudget + ", " + eta + ", " + maxBudget);
        }
        this.schedule = new AshaSchedule(minBudget, eta, maxBudget);
        schedule.rungs().forEach(r -> reached.add(new LinkedHashMap<>()));
    }

    public Asha(AshaSchedule schedule) {
        this(schedule.minBudget(), schedule.reductionFactor(), schedule.maxBudget());
    }

    /** The rung budgets in steps, lowest first (none at or above max_budget: there a trial simply ends). */
    public List<Long> rungs() {
        return schedule.rungs();
    }

    /**
     * Records {@code trial}'s held-out loss at {@code step} and says what becomes of it: judged at the
     * highest rung {@code step} has reached that it was not judged at yet (one rung per result; a
     * trial whose evaluations skip a rung is judged at the next one it reaches).
     */
    public Judgement record(String trial, long step, double loss) {
        if (pruned.contains(trial)) {
            return Judgement.none(Decision.ALREADY_PRUNED);
        }
        int rung = schedule.rungOf(step);
        if (rung < 0) {
            return Judgement.none(Decision.BELOW_FIRST_RUNG);
        }
        Map<String, Double> here = reached.get(rung);
        if (here.containsKey(trial)) {
            return Judgement.none(Decision.ALREADY_JUDGED);
        }
        double x = Double.isFinite(loss) ? loss : Double.POSITIVE_INFINITY;
        long notWorse = here.values().stream().filter(other -> other <= x).count(); // equal: the earlier one ranks higher
        here.put(trial, x);
        int n = here.size();
        int rank = (int) notWorse + 1;
        int eta = schedule.reductionFactor();
        int kept = (n + eta - 1) / eta;
        Decision d = rank <= kept ? Decision.CONTINUE : Decision.PRUNE;
        if (d == Decision.PRUNE) {
            pruned.add(trial);
        }
        return new Judgement(d, rung, schedule.rungs().get(rung), rank, n, kept);
    }
}
