package org.overfitguard.lm.model;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.Pair;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;

/**
 * Our blocks' residual dropout, as the run spec's rate reaches it: with the output projection set
 * to 0 x + 1, an attention or MLP block's output in training is dropout(ones), so the zeros are the
 * rate's share and the rest are 1 / (1 - rate); in evaluation it is ones.
 */
class ResidualDropoutTest {

    private static final int B = 50;
    private static final int T = 40;
    private static final int C = 100; // 200,000 outputs: the binomial standard deviation is under 0.0012

    @ParameterizedTest(name = "{0} at rate {1}")
    @CsvSource({"attention, 0.1", "attention, 0.3", "mlp, 0.5", "mlp, 0.2"})
    void dropsTheRatesShareInTrainingOnlyAndRescalesTheRest(String kind, float rate) {
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            GptConfig config = new GptConfig(11, ModelSpec.of(1, 4, C, T), new DropoutSpec(0, 0, rate, 0, 0), true);
            Block block = kind.equals("attention") ? new CausalSelfAttention(config) : new Mlp(config);
            block.setInitializer(new NormalInitializer(0.02f), Parameter.Type.WEIGHT);
            block.initialize(manager, DataType.FLOAT32, new Shape(B, T, C));
            for (Pair<String, Parameter> p : block.getParameters()) {
                String name = GoldenValuesTest.withoutChildNumbers(p.getKey());
                if (name.equals("proj_weight")) {
                    p.getValue().getArray().set(new float[C * (kind.equals("attention") ? C : 4 * C)]);
                } else if (name.equals("proj_bias")) {
                    p.getValue().getArray().set(ones(C));
                }
            }
            ParameterStore ps = new ParameterStore(manager, false);
            NDList x = new NDList(manager.randomNormal(new Shape(B, T, C)));
            float[] training = block.forward(ps, x, true).singletonOrThrow().toFloatArray();
            long zeros = 0;
            for (float v : training) {
                if (v == 0) {
                    zeros++;
                } else {
                    assertEquals(1 / (1 - rate), v, 1e-5);
                }
            }
            assertEquals(rate, zeros / (double) training.length, 0.005, kind + " at rate " + rate); // over 4 sigma
            for (float v : block.forward(ps, x, false).singletonOrThrow().toFloatArray()) {
                assertEquals(1f, v, 1e-6f, "no dropout in evaluation");
            }
        }
    }

    private static float[] ones(int n) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, 1f);
        return a;
    }
}
