package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.lm.model.GptModel.NamedParameter;
import org.overfitguard.lm.train.AdamW;
import org.overfitguard.lm.train.GradientClipping;
import org.overfitguard.lm.train.LabelSmoothedCrossEntropy;
import org.overfitguard.lm.train.LearningRateSchedule;

class LossAndOptimizerTest {

    private final NDManager manager = Engine.getEngine("PyTorch").newBaseManager(Device.cpu());

    @Test
    void labelSmoothedLossEqualsItsClosedForm() {
        // two tokens, V = 3: logits and targets chosen by hand
        double[][] logits = {{1.0, 2.0, 3.0}, {0.5, -1.0, 0.0}};
        int[] targets = {0, 2};
        for (double eps : new double[] {0.0, 0.1, 0.25}) {
            double expected = 0;
            for (int n = 0; n < 2; n++) {
                double logZ = Math.log(Math.exp(logits[n][0]) + Math.exp(logits[n][1]) + Math.exp(logits[n][2]));
                double nll = logZ - logits[n][targets[n]];
                double uniform = 0;
                for (double l : logits[n]) {
                    uniform += (logZ - l) / 3;
                }
                expected += ((1 - eps) * nll + eps * uniform) / 2;
            }
            NDArray pred = manager.create(new float[] {1, 2, 3, 0.5f, -1, 0}, new Shape(1, 2, 3));
            NDArray labels = manager.create(new int[] {0, 2}, new Shape(1, 2));
            float actual = new LabelSmoothedCrossEntropy(eps).evaluate(new NDList(labels), new NDList(pred)).getFloat();
            assertEquals(expected, actual, 1e-5, "epsilon " + eps);
        }
        // eps = 0 is plain cross-entropy: -log softmax(1,2,3)[0] = 2.4076
        NDArray pred = manager.create(new float[] {1, 2, 3}, new Shape(1, 1, 3));
        assertEquals(2.40760596, new LabelSmoothedCrossEntropy(0).evaluate(
                new NDList(manager.create(new int[] {0}, new Shape(1, 1))), new NDList(pred)).getFloat(), 1e-5);
    }

    @Test
    void lossIsAMeanIndependentOfBatchSize() {
        NDArray one = manager.create(new float[] {1, 2, 3}, new Shape(1, 1, 3));
        NDArray four = manager.create(new float[] {1, 2, 3, 1, 2, 3, 1, 2, 3, 1, 2, 3}, new Shape(2, 2, 3));
        LabelSmoothedCrossEntropy loss = new LabelSmoothedCrossEntropy(0.1);
        assertEquals(loss.evaluate(new NDList(manager.create(new int[] {1}, new Shape(1, 1))), new NDList(one)).getFloat(),
                loss.evaluate(new NDList(manager.create(new int[] {1, 1, 1, 1}, new Shape(2, 2))), new NDList(four)).getFloat(), 1e-6);
    }

    @Test
    void adamWMatchesThePublishedEquationsAndNeverDecaysBiases() {
        double lr = 0.1;
        double b1 = 0.9;
        double b2 = 0.999;
        double eps = 1e-8;
        double wd = 0.5;
        double[] w = {1.0, -2.0, 0.5, 3.0}; // a (2, 2) matrix: decays
        double[] bias = {0.25, -0.75};      // rank 1: never decays
        NamedParameter matrix = parameter("w", manager.create(new float[] {1, -2, 0.5f, 3}, new Shape(2, 2)));
        NamedParameter vector = parameter("b", manager.create(new float[] {0.25f, -0.75f}, new Shape(2)));
        List<NamedParameter> params = List.of(matrix, vector);
        AdamW adamW = new AdamW(b1, b2, eps, wd);
        adamW.initialize(params);
        double[][] gradsW = {{0.1, -0.2, 0.3, 0.0}, {0.05, 0.1, -0.3, 0.2}, {-0.4, 0.0, 0.1, 0.1}};
        double[][] gradsB = {{0.0, 0.0}, {0.0, 0.0}, {0.0, 0.0}}; // zero grads: only decay could move a bias
        double[] mW = new double[4];
        double[] vW = new double[4];
        for (int t = 1; t <= 3; t++) {
            double[] g = gradsW[t - 1];
            for (int i = 0; i < 4; i++) {
                w[i] *= 1 - lr * wd;
                mW[i] = b1 * mW[i] + (1 - b1) * g[i];
                vW[i] = b2 * vW[i] + (1 - b2) * g[i] * g[i];
                double mHat = mW[i] / (1 - Math.pow(b1, t));
                double vHat = vW[i] / (1 - Math.pow(b2, t));
                w[i] -= lr * mHat / (Math.sqrt(vHat) + eps);
            }
            adamW.update(params, List.of(manager.create(toFloat(g), new Shape(2, 2)),
                    manager.create(toFloat(gradsB[t - 1]), new Shape(2))), lr);
            assertArrayEquals(toFloat(w), matrix.array().toFloatArray(), 2e-6f, "weights after step " + t);
            assertArrayEquals(toFloat(bias), vector.array().toFloatArray(), 0f, "bias after step " + t);
        }
        assertEquals(3, adamW.step());
    }

    @Test
    void adamWStateRoundTripsExactly() throws Exception {
        NamedParameter a = parameter("w", manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
        NamedParameter b = parameter("w", manager.create(new float[] {1, 2, 3, 4}, new Shape(2, 2)));
        AdamW first = new AdamW(0.9, 0.99, 1e-8, 0.1);
        first.initialize(List.of(a));
        NDArray g = manager.create(new float[] {0.3f, -0.1f, 0.2f, 0.5f}, new Shape(2, 2));
        first.update(List.of(a), List.of(g), 0.01);
        first.update(List.of(a), List.of(g), 0.01);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        first.save(new DataOutputStream(bytes));
        b.array().set(a.array().toFloatArray());
        AdamW second = new AdamW(0.9, 0.99, 1e-8, 0.1);
        second.initialize(List.of(b));
        second.load(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())), List.of(b));
        first.update(List.of(a), List.of(g), 0.01);
        second.update(List.of(b), List.of(g), 0.01);
        assertArrayEquals(a.array().toFloatArray(), b.array().toFloatArray(), 0f);
        assertEquals(3, second.step());
    }

    @Test
    void clippingBoundsTheGlobalNorm() {
        NDArray g1 = manager.create(new float[] {3, 0});
        NDArray g2 = manager.create(new float[] {0, 4});
        assertEquals(5.0, GradientClipping.clip(List.of(g1, g2), 1.0), 1e-6);
        double after = Math.sqrt(g1.square().sum().getFloat() + g2.square().sum().getFloat());
        assertEquals(1.0, after, 1e-5);
        assertArrayEquals(new float[] {0.6f, 0}, g1.toFloatArray(), 1e-5f, "direction is kept");
        NDArray small = manager.create(new float[] {0.3f, 0.4f});
        assertEquals(0.5, GradientClipping.clip(List.of(small), 1.0), 1e-6);
        assertArrayEquals(new float[] {0.3f, 0.4f}, small.toFloatArray(), 0f, "below the bound nothing changes");
        NDArray off = manager.create(new float[] {30, 40});
        GradientClipping.clip(List.of(off), 0);
        assertArrayEquals(new float[] {30, 40}, off.toFloatArray(), 0f, "0 turns clipping off");
    }

    @Test
    void flatClippingBoundsTheGlobalNormWithOneScaling() {
        NDArray flat = manager.create(new float[] {3, 0, 0, 4}); // two gradients (3, 0) and (0, 4), gathered
        assertEquals(5.0, GradientClipping.clipFlat(flat, 1.0), 1e-6);
        assertArrayEquals(new float[] {0.6f, 0, 0, 0.8f}, flat.toFloatArray(), 1e-5f, "scaled to norm 1, direction kept");
        NDArray small = manager.create(new float[] {0.3f, 0.4f});
        assertEquals(0.5, GradientClipping.clipFlat(small, 1.0), 1e-6);
        assertArrayEquals(new float[] {0.3f, 0.4f}, small.toFloatArray(), 0f, "below the bound nothing changes");
        NDArray off = manager.create(new float[] {30, 40});
        assertEquals(50.0, GradientClipping.clipFlat(off, 0), 1e-4);
        assertArrayEquals(new float[] {30, 40}, off.toFloatArray(), 0f, "0 turns clipping off");
    }

    @Test
    void scheduleWarmsUpLinearlyThenDecaysByCosineToTheFloor() {
        LearningRateSchedule s = new LearningRateSchedule(1e-3, 1e-4, 10, 110);
        assertEquals(1e-4, s.at(0), 1e-12);
        assertEquals(5e-4, s.at(4), 1e-12);
        assertEquals(1e-3, s.at(9), 1e-12);
        assertEquals(1e-3, s.at(10), 1e-12);
        assertEquals(1e-4 + 0.5 * 9e-4, s.at(60), 1e-12);
        assertEquals(1e-4, s.at(110), 1e-12);
        assertEquals(1e-4, s.at(500), 1e-12);
        for (long step = 10; step < 110; step++) {
            assertEquals(true, s.at(step + 1) <= s.at(step), "monotone decay at " + step);
        }
    }

    private NamedParameter parameter(String name, NDArray value) {
        Parameter p = Parameter.builder().setName(name).setType(Parameter.Type.WEIGHT).optArray(value).build();
        return new NamedParameter(name, p);
    }

    private static float[] toFloat(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }
}
