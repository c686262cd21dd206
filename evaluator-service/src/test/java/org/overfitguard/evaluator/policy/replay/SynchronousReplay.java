package org.overfitguard.evaluator.policy.replay;

import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.evaluator.policy.AshaPromotion;

/**
 * ASHA's synchronous promotion form (bootstrap = trials: every rung decided once all reached it
 * or ended) replayed offline on whole curves, with the tuner's own rule ({@link AshaPromotion}):
 * rung by rung, each trial still in reports its first evaluation at or after the rung, or its
 * end when it stopped before; the rule promotes and prunes; the promoted go on, the rest stop
 * there. What the live sweep of the same trials spends and finds, since a trial's curve under
 * ASHA is a prefix of its whole one. Steps count to each trial's last evaluation.
 */
final class SynchronousReplay {

    /**
     * What the sweep would have found and spent.
     *
     * @param trainedTo per trial, the step of its last evaluation under ASHA (its rung when pruned)
     */
    record Outcome(double best, String bestTrial, long steps, int pruned, Map<String, Long> trainedTo) {
    }

    private SynchronousReplay() {
    }

    static Outcome run(List<Curve> trials, long minBudget, int eta, long maxBudget) {
        int n = trials.size();
        AshaPromotion rule = new AshaPromotion(new AshaSchedule(minBudget, eta, maxBudget, AshaMode.PROMOTION, n, n));
        Map<String, Curve> byTrial = new HashMap<>();
        Map<String, Long> trainedTo = new HashMap<>();
        Set<String> running = new LinkedHashSet<>();
        for (Curve c : trials) {
            if (byTrial.put(c.trial(), c) != null) {
                throw new IllegalArgumentException("trial " + c.trial() + " twice in one sweep");
            }
            running.add(c.trial());
        }
        int pruned = 0;
        for (long rung : rule.rungs()) {
            Set<String> promoted = new LinkedHashSet<>();
            for (String t : running) {
                Map.Entry<Long, Double> there = byTrial.get(t).firstAtOrAfter(rung);
                List<AshaPromotion.Decision> made;
                if (there == null) { // it stopped on its own before the rung
                    trainedTo.put(t, byTrial.get(t).end());
                    made = rule.ended(t);
                } else {
                    trainedTo.put(t, there.getKey());
                    made = rule.record(t, there.getKey(), there.getValue());
                }
                for (AshaPromotion.Decision d : made) {
                    if (d.promote()) {
                        promoted.add(d.trial());
                    } else {
                        pruned++;
                    }
                }
            }
            running = promoted;
        }
        running.forEach(t -> trainedTo.put(t, byTrial.get(t).end()));
        String bestTrial = null;
        double best = Double.POSITIVE_INFINITY;
        long steps = 0;
        for (Curve c : trials) {
            long to = trainedTo.get(c.trial());
            steps += to;
            double b = c.bestThrough(to);
            if (b < best) {
                best = b;
                bestTrial = c.trial();
            }
        }
        return new Outcome(best, bestTrial, steps, pruned, Map.copyOf(trainedTo));
    }
}
