package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;

class GptModelTest {

    @ParameterizedTest
    @EnumSource(NormPlacement.class)
    void futureTokensNeverChangeEarlierOutputs(NormPlacement norm) {
        try (GptModel model = Fixtures.model(Fixtures.tiny(norm, 0, false), 1);
             NDManager m = model.manager().newSubManager()) {
            int[] tokens = {3, 1, 4, 1, 5, 9, 2, 6};
            float[] base = model.logits(model.ids(m, tokens, 1, 8), false).toFloatArray();
            for (int t = 0; t < 7; t++) {
                int[] changed = tokens.clone();
                for (int u = t + 1; u < 8; u++) {
                    changed[u] = (changed[u] + 7) % Fixtures.V;
                }
                float[] out = model.logits(model.ids(m, changed, 1, 8), false).toFloatArray();
                int upTo = (t + 1) * Fixtures.V;
                assertArrayEquals(Arrays.copyOf(base, upTo), Arrays.copyOf(out, upTo), 1e-6f, "position <= " + t);
                assertFalse(Arrays.equals(Arrays.copyOfRange(base, upTo, base.length), Arrays.copyOfRange(out, upTo, out.length)),
                        "later positions must see the change at " + (t + 1));
            }
        }
    }

    /** model.bias false (nanoGPT's bias=False): no Linear biases, no LayerNorm shifts, the formula says how many fewer. */
    @Test
    void withoutBiasesTheLinearBiasesAndLayerNormShiftsGo() {
        GptConfig with = new GptConfig(50, ModelSpec.of(3, 4, 48, 12), DropoutSpec.none(), true);
        GptConfig without = new GptConfig(50, ModelSpec.of(3, 4, 48, 12).withBias(false), DropoutSpec.none(), true);
        try (GptModel a = Fixtures.model(with, 1); GptModel b = Fixtures.model(without, 1)) {
            assertEquals(without.expectedParameterCount(), b.parameterCount());
            assertEquals(3L * (9 * 48 + 2 * 48) + 48, a.parameterCount() - b.parameterCount(), "per block 9C of Linear biases, 2C of shifts; the final shift");
            assertTrue(b.parameters().stream().noneMatch(p -> p.name().endsWith("bias") || p.name().endsWith("beta")), "no bias or shift left");
        }
    }

    @Test
    void parameterCountsMatchTheFormulaAndTyingSavesVTimesC() {
        GptConfig untied = new GptConfig(50, ModelSpec.of(3, 4, 48, 12), DropoutSpec.none(), false);
        GptConfig tied = new GptConfig(50, ModelSpec.of(3, 4, 48, 12), DropoutSpec.none(), true);
        try (GptModel a = Fixtures.model(untied, 1); GptModel b = Fixtures.model(tied, 1)) {
            assertEquals(untied.expectedParameterCount(), a.parameterCount());
            assertEquals(tied.expectedParameterCount(), b.parameterCount());
            assertEquals(50L * 48, a.parameterCount() - b.parameterCount());
            assertEquals(1, b.parameters().stream().filter(p -> p.array().getShape().equals(new Shape(50, 48))).count(),
                    "tied: the (V, C) matrix exists once");
            assertEquals(2, a.parameters().stream().filter(p -> p.array().getShape().equals(new Shape(50, 48))).count());
        }
    }

    @Test
    void dropoutActsOnlyInTraining() {
        GptConfig withDropout = Fixtures.tiny(NormPlacement.PRE, 0.3f, false);
        GptConfig without = Fixtures.tiny(NormPlacement.PRE, 0f, false);
        try (GptModel a = Fixtures.model(withDropout, 5); GptModel b = Fixtures.model(without, 5);
             NDManager m = a.manager().newSubManager()) {
            int[] tokens = {1, 2, 3, 4, 5, 6, 7, 8};
            float[] evalA = a.logits(a.ids(m, tokens, 1, 8), false).toFloatArray();
            float[] evalB = b.logits(b.ids(m, tokens, 1, 8), false).toFloatArray();
            assertArrayEquals(evalB, evalA, 1e-6f, "in evaluation a dropout model is the same function");
            float[] train1 = a.logits(a.ids(m, tokens, 1, 8), true).toFloatArray();
            float[] train2 = a.logits(a.ids(m, tokens, 1, 8), true).toFloatArray();
            assertFalse(Arrays.equals(train1, train2), "in training dropout draws new masks");
            float[] trainB = b.logits(b.ids(m, tokens, 1, 8), true).toFloatArray();
            assertArrayEquals(evalB, trainB, 1e-6f, "rate 0 changes nothing in training");
        }
    }

    @Test
    void theSameSeedGivesTheSameWeights() {
        try (GptModel a = Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, true), 9);
             GptModel b = Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, true), 9);
             GptModel c = Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, true), 10)) {
            for (int i = 0; i < a.parameters().size(); i++) {
                assertArrayEquals(a.parameters().get(i).array().toFloatArray(), b.parameters().get(i).array().toFloatArray());
            }
            assertFalse(Arrays.equals(a.parameters().get(0).array().toFloatArray(), c.parameters().get(0).array().toFloatArray()));
        }
    }

    @Test
    void onlyMatricesDecay() {
        try (GptModel model = Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, false), 1)) {
            for (var p : model.parameters()) {
                boolean bias = p.name().endsWith("bias") || p.name().endsWith("beta") || p.name().endsWith("gamma");
                assertEquals(!bias, p.decays(), p.name());
            }
            assertTrue(model.parameters().stream().anyMatch(p -> !p.decays()));
        }
    }
}
