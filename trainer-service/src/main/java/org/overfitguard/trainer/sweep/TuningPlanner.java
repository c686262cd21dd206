package org.overfitguard.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.EventContract;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;

/**
 * A tuning sweep's body, checked and expanded into trials:
 *
 * <pre>
 * base: {...}                 # the run spec every trial starts from (JSON or YAML, as for POST /runs)
 * space: {path: {values|uniform|log_uniform|int: ...}, ...}      # see {@link SearchSpace}
 * trials: 27                  # random and asha: how many points to draw; grid: all of them (may be left out)
 * seed: 1                     # the sampler's seed (default 0)
 * scheduler:
 *   kind: asha                # grid | random | asha
 *   min_budget: 100           # asha: the first rung, in steps, a multiple of training.checkpoint_every
 *   reduction_factor: 3       # asha: eta (default 3)
 *   max_budget: 900           # asha: every trial's training.max_steps
 *   mode: promotion           # asha: stopping (default: trials train on past a rung unless pruned there)
 *                             #   or promotion (trials pause at each rung until the tuner promotes them)
 *   bootstrap: 27             # promotion: no promotion from a rung before this many reached it (default 0)
 * </pre>
 * grid and random run every trial to its own end (max_steps or early stopping); asha also has the
 * tuner stop those that fall out of the top 1/eta at a rung. Everything wrong is one 400 naming each
 * field, before anything runs; the trial count and the budget they could spend are capped.
 */
public final class TuningPlanner {

    public enum Kind { GRID, RANDOM, ASHA }

    /** What runs: the trials (name, spec), and for asha the rule the tuner judges them by. */
    public record Plan(Kind kind, List<SweepPlanner.Variant> trials, AshaSchedule asha, long worstCaseSteps) {
    }

    private static final Set<String> FIELDS = Set.of("base", "space", "trials", "seed", "scheduler");
    private static final Set<String> SCHEDULER_FIELDS = Set.of("kind", "min_budget", "reduction_factor", "max_budget", "mode", "bootstrap");

    private TuningPlanner() {
    }

    /** True when a sweep body is a tuning request (it has a space) rather than a base spec. */
    public static boolean isTuning(JsonNode body) {
        return body != null && body.isObject() && body.has("space");
    }

    /**
     * @param maxTrials the most trials a sweep may have
     * @param maxSteps  the most training steps all its trials may spend together (as if none were pruned)
     */
    public static Plan plan(JsonNode body, int maxTrials, long maxSteps) {
        List<FieldError> errors = new ArrayList<>();
        for (Iterator<String> it = body.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!FIELDS.contains(f)) {
                errors.add(new FieldError(FieldError.shorten(f, 60), "present", "one of " + String.join(", ", FIELDS.stream().sorted().toList())));
            }
        }
        JsonNode baseNode = body.has("base") ? body.get("base") : JsonNodeFactory.instance.objectNode();
        RunSpecs.Checked base = baseNode.isObject() ? RunSpecs.check(baseNode.toString())
                : new RunSpecs.Checked(RunSpec.defaults(), List.of(new FieldError("base", FieldError.shorten(baseNode.toString(), 80), "a run spec (a map)")));
        base.errors().forEach(e -> errors.add(new FieldError("base." + e.field(), e.value(), e.allowed())));
        SearchSpace space = SearchSpace.parse(body.get("space"), errors);
        JsonNode sched = body.get("scheduler");
        Kind kind = kind(sched, errors);
        long seed = integer(body, "seed", 0, Long.MIN_VALUE, Long.MAX_VALUE, errors);
        Integer trials = body.has("trials") ? (int) integer(body, "trials", 0, 1, maxTrials, errors) : null;
        AshaSchedule asha = null;
        if (kind == Kind.ASHA) {
            asha = asha(sched, base.spec(), errors);
            if (space.dimensions().stream().anyMatch(d -> d.path().equals("training.max_steps"))) {
                errors.add(new FieldError("space.training.max_steps", "present", "absent under asha: scheduler.max_budget sets every trial's"));
            }
        } else if (sched != null && sched.isObject()) {
            for (String f : List.of("min_budget", "reduction_factor", "max_budget", "mode", "bootstrap")) {
                if (sched.has(f)) {
                    errors.add(new FieldError("scheduler." + f, sched.get(f).toString(), "absent unless scheduler.kind is asha"));
                }
            }
        }
        List<List<JsonNode>> points = List.of();
        if (errors.isEmpty()) {
            if (kind == Kind.GRID) {
                long size = space.gridSize();
                if (size < 0) {
                    errors.add(new FieldError("scheduler.kind", "grid", "random or asha when a dimension is a range (a grid needs lists of values)"));
                } else if (size > maxTrials) {
                    errors.add(new FieldError("space", size + " grid points", "at most " + maxTrials + " trials"));
                } else if (trials != null && trials != size) {
                    errors.add(new FieldError("trials", String.valueOf(trials), "absent or " + size + " (the grid's size) under scheduler.kind grid"));
                } else {
                    points = space.grid();
                }
            } else if (trials == null) {
                errors.add(new FieldError("trials", "absent", "1 to " + maxTrials + " under scheduler.kind " + kind.name().toLowerCase(Locale.ROOT)));
            } else {
                points = space.sample(trials, seed);
            }
        }
        List<SweepPlanner.Variant> variants = new ArrayList<>();
        long worst = 0;
        int digits = String.valueOf(Math.max(1, points.size() - 1)).length();
        for (int i = 0; i < points.size(); i++) {
            List<JsonNode> p = points.get(i);
            ObjectNode tree = Json.mapper().valueToTree(base.spec());
            int index = i;
            String name = String.format(Locale.ROOT, "t%0" + digits + "d ", i) + IntStream.range(0, p.size())
                    .mapToObj(k -> space.dimensions().get(k).path() + "=" + text(p.get(k))).collect(Collectors.joining(","));
            for (int k = 0; k < p.size(); k++) {
                SweepPlanner.set(tree, space.dimensions().get(k).path(), p.get(k), "space." + space.dimensions().get(k).path(), errors);
            }
            if (asha != null) {
                ((ObjectNode) tree.get("training")).put("max_steps", asha.maxBudget());
            }
            RunSpecs.Checked checked = RunSpecs.check(tree.toString());
            checked.errors().forEach(e -> errors.add(new FieldError(e.field() + " (trial " + index + ")", e.value(), e.allowed())));
            variants.add(new SweepPlanner.Variant(name, checked.spec().withName(SweepPlanner.specName(base.spec().name(), name))));
            worst += checked.spec().training().maxSteps();
            if (errors.size() > 20) {
                break; // one bad dimension fails every trial alike: the first few say it
            }
        }
        if (errors.isEmpty() && worst > maxSteps) {
            errors.add(new FieldError("trials", String.valueOf(variants.size()), "at most " + maxSteps + " training steps in all ("
                    + variants.size() + " trials of up to " + (worst / Math.max(1, variants.size())) + " steps would be " + worst + ")"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunSpecException(errors.stream().distinct().toList());
        }
        if (asha != null) { // the promotion form closes a rung once every trial of the sweep reached it or ended
            asha = new AshaSchedule(asha.minBudget(), asha.reductionFactor(), asha.maxBudget(), asha.mode(), variants.size(),
                    asha.bootstrap());
        }
        return new Plan(kind, variants, asha, worst);
    }

    private static Kind kind(JsonNode sched, List<FieldError> errors) {
        if (sched == null) {
            return Kind.GRID;
        }
        if (!sched.isObject()) {
            errors.add(new FieldError("scheduler", FieldError.shorten(sched.toString(), 80), "a map with kind: grid | random | asha"));
            return Kind.GRID;
        }
        for (Iterator<String> it = sched.fieldNames(); it.hasNext();) {
            String f = it.next();
            if (!SCHEDULER_FIELDS.contains(f)) {
                errors.add(new FieldError("scheduler." + FieldError.shorten(f, 60), "present", "one of kind, min_budget, reduction_factor, max_budget, mode, bootstrap"));
            }
        }
        JsonNode k = sched.get("kind");
        String text = k == null ? "grid" : k.asText("");
        try {
            return Kind.valueOf(text.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            errors.add(new FieldError("scheduler.kind", FieldError.shorten(String.valueOf(k), 40), "grid, random or asha"));
            return Kind.GRID;
        }
    }

    private static AshaSchedule asha(JsonNode sched, RunSpec base, List<FieldError> errors) {
        int every = base.training().checkpointEvery();
        long min = integer(sched, "scheduler.min_budget", "min_budget", -1, 1, Integer.MAX_VALUE, errors);
        long eta = integer(sched, "scheduler.reduction_factor", "reduction_factor", 3, 2, 1000, errors);
        long max = integer(sched, "scheduler.max_budget", "max_budget", -1, 1, Integer.MAX_VALUE, errors);
        if (min == -1 && !sched.has("min_budget")) {
            errors.add(new FieldError("scheduler.min_budget", "absent", "a number of steps, a multiple of base.training.checkpoint_every (" + every + ")"));
        }
        if (max == -1 && !sched.has("max_budget")) {
            errors.add(new FieldError("scheduler.max_budget", "absent", "a number of steps: every trial's training.max_steps"));
        }
        if (min > 0 && min % every != 0) {
            errors.add(new FieldError("scheduler.min_budget", String.valueOf(min),
                    "a multiple of base.training.checkpoint_every (" + every + "): a trial is judged where it is evaluated"));
        }
        if (min > 0 && max > 0 && max <= min) {
            errors.add(new FieldError("scheduler.max_budget", String.valueOf(max), "more than min_budget " + min + " (else there is no rung)"));
        }
        AshaMode mode = AshaMode.STOPPING;
        JsonNode m = sched.get("mode");
        if (m != null) {
            String text = m.isTextual() ? m.asText().toUpperCase(Locale.ROOT) : "";
            if (text.equals("STOPPING") || text.equals("PROMOTION")) {
                mode = AshaMode.valueOf(text);
            } else {
                errors.add(new FieldError("scheduler.mode", FieldError.shorten(m.toString(), 40), "stopping or promotion"));
            }
        }
        long bootstrap = integer(sched, "scheduler.bootstrap", "bootstrap", 0, 0, EventContract.MAX_TRIALS, errors);
        if (sched.has("bootstrap") && mode != AshaMode.PROMOTION) {
            errors.add(new FieldError("scheduler.bootstrap", sched.get("bootstrap").toString(), "absent unless scheduler.mode is promotion"));
        }
        AshaSchedule s = new AshaSchedule(Math.max(1, min), (int) eta, Math.max(1, max), mode, 0, (int) Math.max(0, bootstrap));
        if (min > 0 && max > min && s.rungs().size() > EventContract.MAX_RUNGS) {
            errors.add(new FieldError("scheduler.max_budget", String.valueOf(max), "at most " + EventContract.MAX_RUNGS + " rungs above min_budget"));
        }
        return s;
    }

    private static long integer(JsonNode node, String name, long absent, long min, long max, List<FieldError> errors) {
        return integer(node, name, name, absent, min, max, errors);
    }

    private static long integer(JsonNode node, String field, String name, long absent, long min, long max, List<FieldError> errors) {
        JsonNode v = node == null ? null : node.get(name);
        if (v == null) {
            return absent;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min || v.asLong() > max) {
            errors.add(new FieldError(field, FieldError.shorten(v.toString(), 40), "an integer in [" + min + ", " + max + "]"));
            return absent;
        }
        return v.asLong();
    }

    private static String text(JsonNode v) {
        return v.isTextual() ? v.asText() : v.toString();
    }
}
