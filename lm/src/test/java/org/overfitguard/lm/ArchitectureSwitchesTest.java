package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormKind;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.contracts.spec.RegularizationSpec.LabelSmoothingMode;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.GptModel.NamedParameter;
import org.overfitguard.lm.model.ModelTestAccess;
import org.overfitguard.lm.train.AdamW;
import org.overfitguard.lm.train.L2Penalty;
import org.overfitguard.lm.train.LabelSmoothedCrossEntropy;
import org.overfitguard.lm.train.StepResult;
import org.overfitguard.lm.train.TrainingSession;

/**
 * The switches of the request's points 1, 2, 5 and 7 beyond the defaults: residual connections and
 * normalization (placement, LayerNorm or RMSNorm), head and MLP dropout, the L2 form of weight decay
 * and label smoothing over the wrong classes only; each against its closed form.
 */
class ArchitectureSwitchesTest {

    private final NDManager manager = Engine.getEngine("PyTorch").newBaseManager(Device.cpu());
    private static final int[] TOKENS = {1, 2, 3, 4, 5, 6, 7, 8};

    @ParameterizedTest
    @CsvSource({"PRE,LAYERNORM,true", "POST,LAYERNORM,true", "PRE,RMSNORM,true", "POST,RMSNORM,false", "NONE,LAYERNORM,true",
            "NONE,RMSNORM,false", "PRE,LAYERNORM,false"})
    void everyArchitectureHasItsParameterCountAndStaysCausal(NormPlacement norm, NormKind kind, boolean residual) {
        GptConfig config = Fixtures.tiny(ModelSpec.of(2, 2, 32, Fixtures.T).withNorm(norm, kind).withResidual(residual),
                DropoutSpec.none(), false);
        try (GptModel model = Fixtures.model(config, 3); NDManager m = model.manager().newSubManager()) {
            assertEquals(config.expectedParameterCount(), model.parameterCount(), "parameters by formula");
            float[] whole = model.logits(model.ids(m, TOKENS, 1, 8), false).toFloatArray();
            int[] changedTail = TOKENS.clone();
            changedTail[7] = 12;
            float[] other = model.logits(model.ids(m, changedTail, 1, 8), false).toFloatArray();
            int v = Fixtures.V;
            assertArrayEquals(Arrays.copyOf(whole, 7 * v), Arrays.copyOf(other, 7 * v), 1e-5f, "the last token changes no earlier output");
            assertFalse(Arrays.equals(whole, other), "but its own");
        }
        long c = 32;
        long perNorm = norm == NormPlacement.NONE ? 0 : kind == NormKind.RMSNORM ? c : 2 * c;
        assertEquals(GptConfig.parameterCount(Fixtures.V, Fixtures.T, 2, c, false, 2) - 5 * (2 * c - perNorm),
                config.expectedParameterCount(), "five norms (two per block, one final), each 2C, C or nothing");
    }

    @Test
    void rmsNormScalesByTheRootMeanSquareWithoutRemovingTheMean() {
        float[] x = {1, 2, 3, 4, -2, 0, 0, 2}; // (1, 2, 4)
        NDArray y = ModelTestAccess.rmsNorm(manager, manager.create(x, new Shape(1, 2, 4)));
        float[] expected = new float[8];
        for (int row = 0; row < 2; row++) {
            double ms = 0;
            for (int i = 0; i < 4; i++) {
                ms += x[row * 4 + i] * x[row * 4 + i] / 4.0;
            }
            for (int i = 0; i < 4; i++) {
                expected[row * 4 + i] = (float) (x[row * 4 + i] / Math.sqrt(ms + 1e-5));
            }
        }
        assertArrayEquals(expected, y.toFloatArray(), 1e-6f, "gain 1 at start: x / rms(x), the mean kept");
    }

    @Test
    void residualConnectionsAndNormsChangeTheFunctionNotJustTheNames() {
        ModelSpec base = ModelSpec.of(2, 2, 32, Fixtures.T);
        float[] reference = logits(base);
        for (ModelSpec other : List.of(base.withResidual(false), base.withNorm(NormPlacement.POST, NormKind.LAYERNORM),
                base.withNorm(NormPlacement.PRE, NormKind.RMSNORM), base.withNorm(NormPlacement.NONE, NormKind.LAYERNORM))) {
            assertFalse(Arrays.equals(reference, logits(other)), "same seed, other function: " + other);
        }
    }

    private float[] logits(ModelSpec spec) {
        try (GptModel model = Fixtures.model(Fixtures.tiny(spec, DropoutSpec.none(), false), 3); NDManager m = model.manager().newSubManager()) {
            return model.logits(model.ids(m, TOKENS, 1, 8), false).toFloatArray();
        }
    }

    @Test
    void headDropoutDropsWholeHeadsPerExampleAtItsRateAndRescalesTheRest() {
        float rate = 0.3f;
        NDArray mask = ModelTestAccess.headMask(manager, 4000, 4, rate); // (B, H, 1, 1)
        assertEquals(new Shape(4000, 4, 1, 1), mask.getShape());
        float[] values = mask.toFloatArray();
        long dropped = 0;
        double sum = 0;
        for (float value : values) {
            assertTrue(value == 0f || Math.abs(value - 1 / (1 - rate)) < 1e-6, "0 or 1 / (1 - rate): " + value);
            dropped += value == 0f ? 1 : 0;
            sum += value;
        }
        double share = (double) dropped / values.length;
        assertEquals(rate, share, 0.02, "the share of dropped heads is the rate (16,000 draws)");
        assertEquals(1.0, sum / values.length, 0.03, "kept heads are scaled so the expected output is unchanged");
    }

    @ParameterizedTest
    @CsvSource({"0.5,0", "0,0.5"})
    void headAndMlpDropoutActOnlyInTraining(double heads, double mlp) {
        DropoutSpec dropout = new DropoutSpec(0, 0, 0, heads, mlp);
        try (GptModel a = Fixtures.model(Fixtures.tiny(ModelSpec.of(2, 2, 32, Fixtures.T), dropout, false), 5);
             GptModel b = Fixtures.model(Fixtures.tiny(ModelSpec.of(2, 2, 32, Fixtures.T), DropoutSpec.none(), false), 5);
             NDManager m = a.manager().newSubManager()) {
            float[] evalA = a.logits(a.ids(m, TOKENS, 1, 8), false).toFloatArray();
            float[] evalB = b.logits(b.ids(m, TOKENS, 1, 8), false).toFloatArray();
            assertArrayEquals(evalB, evalA, 1e-6f, "in evaluation the same function as without dropout");
            float[] train1 = a.logits(a.ids(m, TOKENS, 1, 8), true).toFloatArray();
            float[] train2 = a.logits(a.ids(m, TOKENS, 1, 8), true).toFloatArray();
            assertFalse(Arrays.equals(train1, train2), "in training each forward draws new masks");
        }
    }

    @Test
    void labelSmoothingOverTheWrongClassesEqualsItsClosedForm() {
        double[][] logits = {{1.0, 2.0, 3.0}, {0.5, -1.0, 0.0}};
        int[] targets = {0, 2};
        for (double eps : new double[] {0.1, 0.25}) {
            double expected = 0;
            for (int n = 0; n < 2; n++) {
                double logZ = Math.log(Math.exp(logits[n][0]) + Math.exp(logits[n][1]) + Math.exp(logits[n][2]));
                double loss = (1 - eps) * (logZ - logits[n][targets[n]]);
                for (int j = 0; j < 3; j++) {
                    if (j != targets[n]) {
                        loss += eps / 2 * (logZ - logits[n][j]); // eps over the V - 1 = 2 wrong classes
                    }
                }
                expected += loss / 2;
            }
            NDArray pred = manager.create(new float[] {1, 2, 3, 0.5f, -1, 0}, new Shape(1, 2, 3));
            NDArray labels = manager.create(new int[] {0, 2}, new Shape(1, 2));
            float others = new LabelSmoothedCrossEntropy(eps, LabelSmoothingMode.OTHERS).evaluate(new NDList(labels), new NDList(pred)).getFloat();
            float uniform = new LabelSmoothedCrossEntropy(eps, LabelSmoothingMode.UNIFORM).evaluate(new NDList(labels), new NDList(pred)).getFloat();
            assertEquals(expected, others, 1e-5, "epsilon " + eps);
            assertTrue(Math.abs(others - uniform) > 1e-3, "the two forms differ: the true class gets eps / V in one, nothing in the other");
        }
    }

    @Test
    void theL2PenaltyIsHalfLambdaTimesTheSquaredNormOfTheMatricesAndItsGradientLambdaW() {
        float lambda = 0.3f;
        try (GptModel model = Fixtures.model(Fixtures.tiny(ModelSpec.of(1, 2, 8, 4), DropoutSpec.none(), false), 2)) {
            List<NamedParameter> params = model.parameters();
            double expected = 0;
            for (NamedParameter p : params) {
                if (p.array().getShape().dimension() >= 2) {
                    for (float w : p.array().toFloatArray()) {
                        expected += lambda / 2.0 * w * w;
                    }
                }
            }
            NDArray penalty;
            try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                penalty = L2Penalty.of(params, lambda);
                collector.backward(penalty);
            }
            assertEquals(expected, penalty.getFloat(), 1e-5 * expected);
            for (NamedParameter p : params) {
                float[] w = p.array().toFloatArray();
                float[] g = p.array().getGradient().toFloatArray();
                for (int i = 0; i < w.length; i++) {
                    float want = p.decays() ? lambda * w[i] : 0f;
                    assertEquals(want, g[i], 1e-6, p.name() + "[" + i + "]");
                }
            }
        }
    }

    @Test
    void inL2ModeTheLossCarriesThePenaltyTheOptimizerDoesNotDecayAndTheReportedCrossEntropyIsPlain() {
        String model = "model: {layers: 1, heads: 2, width: 16, block_size: 8}\noptimizer: {warmup_steps: 0}\n";
        RunSpec l2 = RunSpecs.parse(model + "regularization: {weight_decay: 0.5, weight_decay_mode: l2}");
        RunSpec plain = RunSpecs.parse(model);
        assertEquals(0.0, AdamW.decoupledDecay(l2.regularization()), "l2: no decoupled decay besides the penalty");
        assertEquals(0.5, AdamW.decoupledDecay(RunSpecs.parse(model + "regularization: {weight_decay: 0.5}").regularization()));
        try (GptModel a = GptModel.create(GptConfig.of(l2, Fixtures.V), Device.cpu(), 4);
             GptModel b = GptModel.create(GptConfig.of(plain, Fixtures.V), Device.cpu(), 4);
             TrainingSession withPenalty = TrainingSession.fresh(a, l2);
             TrainingSession without = TrainingSession.fresh(b, plain)) {
            double penalty = 0;
            for (NamedParameter p : a.parameters()) {
                if (p.decays()) {
                    for (float w : p.array().toFloatArray()) {
                        penalty += 0.25 * w * w;
                    }
                }
            }
            StepResult ra = withPenalty.train(Fixtures.batch(0, 4, 9));
            StepResult rb = without.train(Fixtures.batch(0, 4, 9));
            assertEquals(rb.crossEntropy(), ra.crossEntropy(), 1e-6, "the same weights and batch: the same plain cross-entropy");
            assertEquals(penalty, ra.loss() - ra.crossEntropy(), 1e-4, "the objective is the cross-entropy plus the penalty");
        }
    }
}
