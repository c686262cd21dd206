package org.overfitguard.trainer.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.testing.Gen;
import org.overfitguard.testing.Tries;

/** Tuning bodies: what each scheduler expands into, and every way a body can be wrong, named by field. */
class TuningPlannerTest {

    private static final String SPACE = """
            {"base": {"name": "tune", "training": {"max_steps": 600, "checkpoint_every": 50}},
             "space": {"regularization.dropout.residual": {"values": [0.0, 0.1, 0.2]},
                       "regularization.weight_decay": {"log_uniform": [0.001, 0.3]},
                       "regularization.label_smoothing": {"uniform": [0.0, 0.2]},
                       "augmentation.token_mask_rate": {"values": [0.0, 0.1]}},
             "trials": 27, "seed": 7, "scheduler": %s}""";

    private static JsonNode body(String json) throws Exception {
        return Json.mapper().readTree(json);
    }

    private static TuningPlanner.Plan plan(String json) throws Exception {
        return TuningPlanner.plan(body(json), 100, 2_000_000);
    }

    private static List<String> errors(String json) {
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class, () -> plan(json));
        return e.errors().stream().map(f -> f.field() + " " + f.value() + " -> " + f.allowed()).toList();
    }

    @Test
    void ashaDrawsTheTrialsAndGivesEachTheMaximumBudget() throws Exception {
        TuningPlanner.Plan p = plan(SPACE.formatted("{\"kind\": \"asha\", \"min_budget\": 100, \"max_budget\": 900}"));
        assertEquals(TuningPlanner.Kind.ASHA, p.kind());
        assertEquals(new AshaSchedule(100, 3, 900, AshaMode.STOPPING, 27), p.asha());
        assertEquals(new AshaSchedule(100, 3, 900, AshaMode.PROMOTION, 27),
                plan(SPACE.formatted("{\"kind\": \"asha\", \"min_budget\": 100, \"max_budget\": 900, \"mode\": \"promotion\"}")).asha());
        assertEquals(27, p.trials().size());
        assertEquals(27L * 900, p.worstCaseSteps());
        Set<Double> decays = new HashSet<>();
        for (SweepPlanner.Variant v : p.trials()) {
            RunSpec s = v.spec();
            assertEquals(900, s.training().maxSteps(), v.name());
            assertTrue(List.of(0.0, 0.1, 0.2).contains(s.regularization().dropout().residual()), v.name());
            assertTrue(s.regularization().weightDecay() >= 0.001 && s.regularization().weightDecay() <= 0.3, v.name());
            assertTrue(s.regularization().labelSmoothing() >= 0 && s.regularization().labelSmoothing() <= 0.2, v.name());
            assertTrue(v.name().contains("regularization.weight_decay=" + s.regularization().weightDecay()), v.name());
            assertTrue(s.name().startsWith("tune/t"), s.name());
            decays.add(s.regularization().weightDecay());
        }
        assertTrue(decays.size() > 20, "log-uniform draws differ: " + decays);
        assertEquals("t00", p.trials().get(0).name().split(" ")[0]);
    }

    @Test
    void theSameSeedGivesTheSameTrialsAnotherSeedOthers() throws Exception {
        String asha = "{\"kind\": \"random\"}";
        List<RunSpec> one = plan(SPACE.formatted(asha)).trials().stream().map(SweepPlanner.Variant::spec).toList();
        List<RunSpec> two = plan(SPACE.formatted(asha)).trials().stream().map(SweepPlanner.Variant::spec).toList();
        List<RunSpec> other = plan(SPACE.formatted(asha).replace("\"seed\": 7", "\"seed\": 8")).trials().stream()
                .map(SweepPlanner.Variant::spec).toList();
        assertEquals(one, two);
        assertNotEquals(one, other);
        assertEquals(600, one.get(0).training().maxSteps(), "random keeps the base's max_steps");
    }

    @Test
    void aGridIsEveryCombinationOfTheLists() throws Exception {
        TuningPlanner.Plan p = plan("""
                {"space": {"regularization.dropout.residual": {"values": [0.0, 0.1, 0.2]},
                           "regularization.weight_tying": {"values": [true, false]}}}""");
        assertEquals(TuningPlanner.Kind.GRID, p.kind());
        assertNull(p.asha());
        assertEquals(6, p.trials().size());
        assertEquals("t0 regularization.dropout.residual=0.0,regularization.weight_tying=true", p.trials().get(0).name());
        assertEquals(false, p.trials().get(5).spec().regularization().weightTying());
    }

    @Test
    void everyMistakeIsNamedByItsField() {
        assertEquals(List.of("scheduler.kind grid -> random or asha when a dimension is a range (a grid needs lists of values)"),
                errors(SPACE.formatted("{\"kind\": \"grid\"}").replace("\"trials\": 27, ", "")));
        List<String> e = errors("""
                {"base": {"training": {"checkpoint_every": 50}, "model": {"layers": 0}},
                 "space": {"regularization.weight_decay": {"log_uniform": [0, 0.3]}, "regularization.nothing": {"values": [1]},
                           "Bad Path": {"values": [1]}, "regularization.label_smoothing": {"gaussian": [0, 1]},
                           "regularization.dropout.mlp": {"uniform": [0.3, 0.1]}},
                 "trials": 1000, "surprise": 1,
                 "scheduler": {"kind": "asha", "min_budget": 75, "max_budget": 50, "patience": 2}}""");
        String all = String.join("\n", e);
        for (String expected : List.of("base.model.layers", "space.regularization.weight_decay.log_uniform [0,0.3] -> [low, high] with 0 < low",
                "space.Bad Path", "space.regularization.label_smoothing 'gaussian' -> one of values, uniform, log_uniform, int",
                "space.regularization.dropout.mlp.uniform [0.3,0.1] -> [low, high] with low < high", "trials 1000 -> an integer in [1, 100]",
                "surprise present", "scheduler.patience present", "scheduler.min_budget 75 -> a multiple of base.training.checkpoint_every (50)",
                "scheduler.max_budget 50 -> more than min_budget 75")) {
            assertTrue(all.contains(expected), "missing '" + expected + "' in\n" + all);
        }
        assertEquals(List.of("space.regularization.nothing 'regularization.nothing' -> a path to a spec field, e.g. regularization.weight_decay"),
                errors("""
                        {"space": {"regularization.nothing": {"values": [1, 2]}}, "scheduler": {"kind": "random"}, "trials": 2}"""));
        assertTrue(errors("""
                {"space": {"regularization.weight_decay": {"values": [-1, 0.1]}}}""").get(0).startsWith("regularization.weight_decay (trial 0)"));
        assertEquals(List.of("trials absent -> 1 to 100 under scheduler.kind random"), errors("""
                {"space": {"regularization.weight_decay": {"values": [0, 0.1]}}, "scheduler": {"kind": "random"}}"""));
        assertEquals(List.of("scheduler.max_budget absent -> a number of steps: every trial's training.max_steps"), errors("""
                {"space": {"regularization.weight_decay": {"values": [0, 0.1]}}, "trials": 3, "scheduler": {"kind": "asha", "min_budget": 100}}"""));
        assertEquals(List.of("scheduler.mode \"pause\" -> stopping or promotion"), errors("""
                {"space": {"regularization.weight_decay": {"values": [0, 0.1]}}, "trials": 3,
                 "scheduler": {"kind": "asha", "min_budget": 100, "max_budget": 300, "mode": "pause"}}"""));
        assertEquals(List.of("scheduler.mode \"promotion\" -> absent unless scheduler.kind is asha"), errors("""
                {"space": {"regularization.weight_decay": {"values": [0, 0.1]}}, "trials": 3,
                 "scheduler": {"kind": "random", "mode": "promotion"}}"""));
    }

    @Test
    void theDocumentedExampleIsAValidAshaSweep() throws Exception {
        JsonNode example = Json.yaml().readTree(java.nio.file.Files.readString(java.nio.file.Path.of("../docs/tuning/tune-asha.yaml")));
        TuningPlanner.Plan p = TuningPlanner.plan(example, 100, 2_000_000);
        assertEquals(27, p.trials().size());
        assertEquals(List.of(100L, 300L), p.asha().rungs());
    }

    @Test
    void everyDocumentedTuningFilePlans() throws Exception {
        List<java.nio.file.Path> files;
        try (var listing = java.nio.file.Files.list(java.nio.file.Path.of("../docs/tuning"))) {
            files = listing.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 8, "the tuning files in docs/tuning: " + files);
        for (java.nio.file.Path f : files) {
            TuningPlanner.Plan p = TuningPlanner.plan(Json.yaml().readTree(java.nio.file.Files.readString(f)), 100, 2_000_000);
            assertEquals(27, p.trials().size(), f.toString());
        }
        try (var listing = java.nio.file.Files.list(java.nio.file.Path.of("../docs/tuning/confirm"))) {
            files = listing.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        }
        assertTrue(files.size() >= 6, "the fresh-seed files in docs/tuning/confirm: " + files);
        for (java.nio.file.Path f : files) { // a grid over the run seed: one recipe, seeds 1-6
            TuningPlanner.Plan p = TuningPlanner.plan(Json.yaml().readTree(java.nio.file.Files.readString(f)), 100, 2_000_000);
            assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L), p.trials().stream().map(t -> t.spec().seed()).toList(), f.toString());
        }
    }

    @Test
    void theTotalBudgetIsCappedBeforeAnythingRuns() throws Exception {
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class, () -> TuningPlanner.plan(body(
                SPACE.formatted("{\"kind\": \"asha\", \"min_budget\": 100, \"max_budget\": 90000}")), 100, 1_000_000));
        FieldError f = e.errors().get(0);
        assertEquals("trials", f.field());
        assertEquals("at most 1000000 training steps in all (27 trials of up to 90000 steps would be 2430000)", f.allowed());
    }

    @Test
    void drawsStayInTheirRanges() {
        Tries.run("draws in range", Tries.seed(), 200, random -> drawsStayInTheirRanges(Gen.longs().next(random),
                Gen.ints(-6, -2).next(random), Gen.doubles(1.01, 100).next(random), Gen.ints(1, 40).next(random)));
    }

    private static void drawsStayInTheirRanges(long seed, int exponent, double ratio, int trials) throws Exception {
        double low = Math.pow(10, exponent);
        double high = low * ratio;
        TuningPlanner.Plan p = plan("""
                {"space": {"regularization.weight_decay": {"log_uniform": [%s, %s]}, "augmentation.reorder_window": {"int": [1, 5]}},
                 "trials": %d, "seed": %d, "scheduler": {"kind": "random"}}""".formatted(low, high, trials, seed));
        assertEquals(trials, p.trials().size());
        for (SweepPlanner.Variant v : p.trials()) {
            double wd = v.spec().regularization().weightDecay();
            assertTrue(wd >= SearchSpace.round(low) && wd <= SearchSpace.round(high), wd + " outside [" + low + ", " + high + "]");
            int w = v.spec().augmentation().reorderWindow();
            assertTrue(w >= 1 && w <= 5, String.valueOf(w));
        }
    }

    @Test
    void aTrialsSpecNameFitsTheSpecsEightyCharactersWhateverTheSpace() {
        assertEquals("tune/t03 residual=0.3,weight_decay=0.012",
                SweepPlanner.specName("tune", "t03 regularization.dropout.residual=0.3,regularization.weight_decay=0.012"));
        String name = SweepPlanner.specName("b".repeat(80), "t12 " + "regularization.dropout.residual=0.3,".repeat(9) + "x=1");
        assertTrue(name.length() <= 80 && name.startsWith("b".repeat(37) + ".../t12 residual=0.3,"), name);
        assertEquals("g/residual=0.1,weight_decay=0.01,reorder_rate=0.2",
                SweepPlanner.specName("g", "regularization.dropout.residual=0.1,regularization.weight_decay=0.01,augmentation.reorder_rate=0.2"),
                "a grid variant: no trial id");
        assertEquals("b/no-dropout", SweepPlanner.specName("b", "no-dropout"), "a preset as it was");
        String emoji = SweepPlanner.specName("\uD83D\uDE00".repeat(30), "t1 a=1");
        assertTrue(emoji.length() <= 80 && !Character.isHighSurrogate(emoji.charAt(emoji.indexOf("...") - 1)), emoji);
    }
}
