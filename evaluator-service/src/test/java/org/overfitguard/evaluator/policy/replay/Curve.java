package org.overfitguard.evaluator.policy.replay;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.evaluator.policy.EarlyStopping;
import org.overfitguard.evaluator.policy.StopState;

/**
 * One trial's held-out curve as a sweep report's CSV gives it ({@code variant,run_id,step,held_out_loss,pruned_at}):
 * step to loss, in step order. Of a sweep run to its end (scheduler random or grid), the curve is
 * what the trial does under any scheduler up to the step it is let train to: training is
 * deterministic, so under ASHA a trial's curve is a prefix of this one. Its end is its last
 * evaluation: max_steps, or, once cut by {@link #untilEarlyStop}, where its early stopping fired.
 *
 * @param trial    the trial's id in its sweep ({@code t07}), prefixed by its file's name when read from several
 * @param prunedAt the step ASHA pruned it at, or null (a pruned trial's curve is not whole)
 */
record Curve(String trial, NavigableMap<Long, Double> losses, Long prunedAt) {

    Curve {
        if (losses.isEmpty()) {
            throw new IllegalArgumentException(trial + " has no evaluation");
        }
        losses = new TreeMap<>(losses);
    }

    long end() {
        return losses.lastKey();
    }

    double best() {
        return bestThrough(end());
    }

    /** The best held-out loss among the evaluations at or before {@code step} (infinite when there is none). */
    double bestThrough(long step) {
        return losses.headMap(step, true).values().stream().mapToDouble(Double::doubleValue).min().orElse(Double.POSITIVE_INFINITY);
    }

    /** The first evaluation at or after {@code step}, or null when the trial ended before it. */
    Map.Entry<Long, Double> firstAtOrAfter(long step) {
        return losses.ceilingEntry(step);
    }

    /**
     * The curve up to the evaluation at which the run's own early stopping fires (the whole curve if
     * it never does). Evaluations after it are of checkpoints written while the StopRequested
     * travelled to the trainer: how many there are depends on timing, not on the trial.
     */
    Curve untilEarlyStop(EarlyStoppingSpec spec) {
        EarlyStopping policy = new EarlyStopping(spec);
        StopState state = StopState.INITIAL;
        for (Map.Entry<Long, Double> e : losses.entrySet()) {
            state = policy.next(state, e.getKey(), e.getValue(), null);
            if (state.stopped()) {
                return new Curve(trial, losses.headMap(e.getKey(), true), prunedAt);
            }
        }
        return this;
    }

    /** Every trial's curve in a sweep report's CSV, in the file's order; trial ids prefixed with {@code prefix}. */
    static List<Curve> read(Path csv, String prefix) throws IOException {
        CsvSchema schema = CsvSchema.emptySchema().withHeader();
        Map<String, NavigableMap<Long, Double>> losses = new LinkedHashMap<>();
        Map<String, Long> pruned = new LinkedHashMap<>();
        try (MappingIterator<Map<String, String>> rows = new CsvMapper().readerForMapOf(String.class).with(schema).readValues(csv.toFile())) {
            int line = 1;
            while (rows.hasNext()) {
                Map<String, String> row = rows.next();
                line++;
                String variant = row.get("variant");
                if (variant == null || row.get("step") == null || row.get("held_out_loss") == null) {
                    throw new IOException(csv + " line " + line + ": needs the columns variant, step and held_out_loss");
                }
                String trial = prefix + variant.split(" ", 2)[0];
                try {
                    losses.computeIfAbsent(trial, t -> new TreeMap<>()).put(Long.parseLong(row.get("step")),
                            Double.parseDouble(row.get("held_out_loss")));
                    String prunedAt = row.get("pruned_at");
                    if (prunedAt != null && !prunedAt.isBlank()) {
                        pruned.put(trial, Long.parseLong(prunedAt));
                    }
                } catch (NumberFormatException e) {
                    throw new IOException(csv + " line " + line + ": " + e.getMessage(), e);
                }
            }
        }
        List<Curve> curves = new ArrayList<>();
        losses.forEach((trial, l) -> curves.add(new Curve(trial, l, pruned.get(trial))));
        return curves;
    }
}
