package org.overfitguard.launcher;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.math3.stat.correlation.SpearmansCorrelation;

/**
 * How early a sweep's held-out ranks predict its result: for each step that every run evaluated,
 * Spearman's rank correlation between the runs' held-out losses at that step and their best
 * held-out losses. An ASHA rung ranks trials by their loss at the rung and keeps the top 1/eta, so
 * a rung belongs where this is high; where it is near zero or negative, a rung prunes at random
 * or keeps the wrong trials (regularized trials learn slower at first and win later).
 *
 * <pre>
 *   curves   run -> (step -> held-out loss), each run to its own end (nothing pruned)
 *   result   step -> rho in [-1, 1], for the steps with a finite loss in every curve, ascending
 * </pre>
 */
final class RankAgreement {

    private RankAgreement() {
    }

    static TreeMap<Long, Double> of(List<Map<Long, Double>> curves, List<Double> best) {
        TreeMap<Long, Double> out = new TreeMap<>();
        if (curves.size() < 3 || curves.size() != best.size() || best.stream().anyMatch(b -> b == null || !Double.isFinite(b))) {
            return out;
        }
        List<Long> common = new ArrayList<>(curves.get(0).keySet());
        curves.forEach(c -> common.removeIf(step -> c.get(step) == null || !Double.isFinite(c.get(step))));
        common.sort(Comparator.naturalOrder());
        double[] ends = best.stream().mapToDouble(Double::doubleValue).toArray();
        for (long step : common) {
            double rho = new SpearmansCorrelation().correlation(curves.stream().mapToDouble(c -> c.get(step)).toArray(), ends);
            if (Double.isFinite(rho)) { // NaN when every loss at the step is equal: nothing to rank
                out.put(step, rho);
            }
        }
        return out;
    }
}
