package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.TrainingSpec;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.StepResult;
import org.overfitguard.lm.train.TrainingSession;

/**
 * training.gradient_accumulation_steps: a step on two micro-batches of 4 rows is the step on one
 * batch of their 8 rows (the mean's gradient; clipping, schedule and optimizer once per step).
 */
class GradientAccumulationTest {

    @Test
    void twoMicroBatchesOfFourAreOneStepOnTheirEightRows() {
        RunSpec base = Fixtures.spec("regularization: {label_smoothing: 0.1}\n");
        RunSpec whole = base.withTraining(new TrainingSpec(8, 300, 5, 10, 1));
        RunSpec split = base.withTraining(new TrainingSpec(4, 300, 5, 10, 2));
        try (TrainingSession a = TrainingSession.fresh(Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, true), 3), whole);
             TrainingSession b = TrainingSession.fresh(Fixtures.model(Fixtures.tiny(NormPlacement.PRE, 0, true), 3), split)) {
            for (int step = 0; step < 4; step++) {
                TokenBatch eight = Fixtures.batch(step, 8, 100 + step);
                StepResult ra = a.train(eight);
                StepResult rb = b.train(halves(eight, step));
                assertEquals(ra.loss(), rb.loss(), 1e-5, "the loss of the effective batch, step " + step);
                assertEquals(ra.gradNorm(), rb.gradNorm(), 1e-4, "the norm clipped is the whole step's");
                assertEquals(ra.tokens(), rb.tokens());
            }
            double worst = 0;
            List<GptModel.NamedParameter> pa = a.model().parameters();
            List<GptModel.NamedParameter> pb = b.model().parameters();
            for (int i = 0; i < pa.size(); i++) {
                float[] x = pa.get(i).array().toFloatArray();
                float[] y = pb.get(i).array().toFloatArray();
                for (int j = 0; j < x.length; j++) {
                    worst = Math.max(worst, Math.abs(x[j] - y[j]));
                }
            }
            assertTrue(worst < 1e-5, "the same weights after four steps, within float summation: " + worst);
            assertThrows(IllegalArgumentException.class, () -> b.train(Fixtures.batch(8, 4, 1)), "one micro-batch is not a step");
        }
    }

    /** Rows 0-3 as record 2 x step, rows 4-7 as record 2 x step + 1. */
    private static List<TokenBatch> halves(TokenBatch b, int step) {
        int n = 4 * b.cols();
        return List.of(
                new TokenBatch(b.runId(), 2L * step, false, 4, b.cols(), Arrays.copyOfRange(b.inputs(), 0, n), Arrays.copyOfRange(b.targets(), 0, n)),
                new TokenBatch(b.runId(), 2L * step + 1, false, 4, b.cols(), Arrays.copyOfRange(b.inputs(), n, 2 * n),
                        Arrays.copyOfRange(b.targets(), n, 2 * n)));
    }
}
