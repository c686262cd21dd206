package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.GradMode;
import org.overfitguard.lm.train.LabelSmoothedCrossEntropy;

/**
 * Gradients must not depend on when the garbage collector runs. With DJL's {@code x.mul(number)}
 * in the attention scale and the smoothed loss, autograd read a scalar whose Java buffer the GC had
 * freed: under allocation pressure most backward passes gave different gradients (a 300-pass version
 * of this test saw 251 differ; it now runs 150 passes). Scalars now live
 * as long as the step.
 */
class GarbageCollectionSafetyTest {

    @Test
    void theSameBackwardPassGivesBitIdenticalGradientsWhileTheHeapChurns() throws Exception {
        AtomicStop stop = new AtomicStop();
        Thread churn = new Thread(() -> {
            List<byte[]> keep = new ArrayList<>();
            while (!stop.value) {
                keep.add(new byte[1 << 16]);
                if (keep.size() > 200) {
                    keep.clear();
                }
            }
        });
        churn.setDaemon(true);
        churn.start();
        try (GptModel model = Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, true), 3)) {
            GradMode.offOnThisThread();
            int[] tokens = Fixtures.batch(0, 8, 5).inputs();
            double reference = Double.NaN;
            int different = 0;
            for (int pass = 0; pass < 150; pass++) {
                double sumOfSquares = 0;
                try (NDScope scope = new NDScope(); NDManager m = model.manager().newSubManager()) {
                    scope.suppressNotUsedWarning();
                    NDArray x = model.ids(m, tokens, 8, Fixtures.T);
                    try (GradientCollector c = Engine.getEngine("PyTorch").newGradientCollector()) {
                        c.backward(new LabelSmoothedCrossEntropy(0.1).evaluate(new NDList(x), new NDList(model.logits(x, true))));
                    }
                    for (var p : model.parameters()) {
                        sumOfSquares += p.array().getGradient().square().sum().getFloat();
                        JniUtils.zeroGrad((PtNDArray) p.array());
                    }
                }
                if (pass == 0) {
                    reference = sumOfSquares;
                } else if (Double.compare(reference, sumOfSquares) != 0) {
                    different++;
                }
            }
            assertEquals(0, different, "backward passes whose gradients differed from the first");
        } finally {
            stop.value = true;
        }
    }

    private static final class AtomicStop {
        volatile boolean value;
    }
}
