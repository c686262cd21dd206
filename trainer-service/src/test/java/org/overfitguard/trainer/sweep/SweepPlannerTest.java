package org.overfitguard.trainer.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormKind;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.contracts.spec.RegularizationSpec;
import org.overfitguard.contracts.spec.RegularizationSpec.LabelSmoothingMode;
import org.overfitguard.contracts.spec.RegularizationSpec.WeightDecayMode;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecValidator;
import org.overfitguard.contracts.spec.RunSpecs;

/** The presets: each variant differs from its reference in the one switch its name says, and every variant is a valid spec. */
class SweepPlannerTest {

    private static Map<String, RunSpec> byName(List<SweepPlanner.Variant> variants) {
        return variants.stream().collect(Collectors.toMap(SweepPlanner.Variant::name, SweepPlanner.Variant::spec));
    }

    @Test
    void theAblationTurnsEachRegularizerOffAndTriesTheOtherForms() {
        Map<String, RunSpec> v = byName(SweepPlanner.ablation(RunSpec.defaults()));
        assertEquals(List.of("all", "no-dropout", "no-weight-decay", "no-label-smoothing", "no-weight-tying", "no-augmentation",
                "weight-decay-l2", "label-smoothing-others", "plus-head-dropout", "none"),
                SweepPlanner.ablation(RunSpec.defaults()).stream().map(SweepPlanner.Variant::name).toList());
        RegularizationSpec all = v.get("all").regularization();
        assertEquals(WeightDecayMode.DECOUPLED, all.weightDecayMode());
        assertEquals(all.withWeightDecay(all.weightDecay(), WeightDecayMode.L2), v.get("weight-decay-l2").regularization());
        assertEquals(all.withLabelSmoothing(all.labelSmoothing(), LabelSmoothingMode.OTHERS), v.get("label-smoothing-others").regularization());
        assertEquals(0.1, v.get("plus-head-dropout").regularization().dropout().heads());
        assertEquals(all.dropout().residual(), v.get("plus-head-dropout").regularization().dropout().residual());
        assertEquals(RegularizationSpec.defaults(), v.get("none").regularization());
        v.forEach((name, s) -> assertEquals(List.of(), RunSpecValidator.validate(s), name));
    }

    @Test
    void aBaseThatDecaysInL2ModeIsComparedWithTheDecoupledForm() {
        RunSpec base = RunSpecs.parse("regularization: {weight_decay: 0.05, weight_decay_mode: l2, label_smoothing_mode: others}");
        Map<String, RunSpec> v = byName(SweepPlanner.ablation(base));
        assertEquals(WeightDecayMode.L2, v.get("all").regularization().weightDecayMode());
        assertEquals(WeightDecayMode.DECOUPLED, v.get("weight-decay-decoupled").regularization().weightDecayMode());
        assertEquals(0.05, v.get("weight-decay-decoupled").regularization().weightDecay());
        assertEquals(LabelSmoothingMode.UNIFORM, v.get("label-smoothing-uniform").regularization().labelSmoothingMode());
    }

    @Test
    void theArchitecturePresetComparesNormsAndResidualsOnAtLeastSixLayers() {
        RunSpec base = RunSpecs.parse("model: {layers: 2, width: 64}\nregularization: {dropout: {residual: 0.1}}");
        List<SweepPlanner.Variant> variants = SweepPlanner.architecture(base);
        Map<String, ModelSpec> m = variants.stream().collect(Collectors.toMap(SweepPlanner.Variant::name, x -> x.spec().model()));
        ModelSpec reference = m.get("pre-layernorm");
        assertEquals(ModelSpec.of(6, 4, 64, 64), reference, "the default block, six layers, the base's width");
        assertEquals(reference.withNorm(NormPlacement.POST, NormKind.LAYERNORM), m.get("post-layernorm"));
        assertEquals(reference.withNorm(NormPlacement.PRE, NormKind.RMSNORM), m.get("pre-rmsnorm"));
        assertEquals(reference.withNorm(NormPlacement.POST, NormKind.RMSNORM), m.get("post-rmsnorm"));
        assertEquals(reference.withNorm(NormPlacement.NONE, NormKind.LAYERNORM), m.get("no-norm"));
        assertEquals(reference.withResidual(false), m.get("no-residual"));
        assertEquals(reference.withResidual(false).withNorm(NormPlacement.NONE, NormKind.LAYERNORM), m.get("no-residual-no-norm"));
        for (SweepPlanner.Variant x : variants) {
            assertEquals(base.regularization(), x.spec().regularization(), "only the architecture varies: " + x.name());
            assertTrue(x.spec().name().endsWith("/" + x.name()));
            assertEquals(List.of(), RunSpecValidator.validate(x.spec()), x.name());
        }
        assertEquals(12, SweepPlanner.architecture(RunSpecs.parse("model: {layers: 12}")).get(0).spec().model().layers(),
                "a deeper base keeps its depth");
        assertEquals(7, variants.stream().map(SweepPlanner.Variant::name).collect(Collectors.toMap(Function.identity(), x -> 1)).size());
    }

    @Test
    void aLongVariantNameIsCutInsideItsParenthesesSoTheFieldStaysReadable() {
        String grid = "augmentation.deletion_rate=0000000;augmentation.mask_random_fraction=0000000000;"
                + "augmentation.reorder_rate=000E39735-." + "9".repeat(120);
        InvalidRunSpecException e = assertThrows(InvalidRunSpecException.class, () -> SweepPlanner.grid(RunSpecs.parse(""), grid));
        for (FieldError f : e.errors()) {
            assertTrue(f.field().matches("[a-z_.]+ \\(variant .*\\)"), f.field());
            assertTrue(f.field().length() <= 160, f.field());
        }
    }

    @Test
    void aGridOverThreeLongPathsGivesValidSpecsWithShortNames() {
        List<SweepPlanner.Variant> variants = SweepPlanner.grid(RunSpecs.parse("name: a-base-name-of-some-length"),
                "regularization.dropout.residual=0,0.1;regularization.weight_decay=0,0.1;augmentation.reorder_rate=0,0.2");
        assertEquals(8, variants.size());
        for (SweepPlanner.Variant v : variants) {
            assertEquals(List.of(), RunSpecValidator.validate(v.spec()), v.spec().name());
        }
        assertEquals("a-base-name-of-some-length/residual=0,weight_decay=0,reorder_rate=0", variants.get(0).spec().name());
    }
}
