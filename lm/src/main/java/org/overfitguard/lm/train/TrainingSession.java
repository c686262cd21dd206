package org.overfitguard.lm.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.NDScope;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import java.util.List;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.OptimizerSpec;
import org.overfitguard.contracts.spec.RegularizationSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.GptModel.NamedParameter;
import org.overfitguard.lm.model.GradMode;
import org.overfitguard.lm.model.Scalars;
import org.overfitguard.lm.model.Seeds;

/**
 * A model, its optimizer and schedule, trained one step at a time, each step on G micro-batches
 * (training.gradient_accumulation_steps, 1 by default): records s x G .. s x G + G - 1 are step s,
 * and the session refuses any other, so nothing is skipped or trained twice.
 *
 * <p>Each step: for each micro-batch, reseed from (run seed, step, micro-batch) so dropout is
 * reproducible, forward with dropout, label-smoothed loss / G (plus the L2 penalty in
 * weight_decay_mode l2, once), backward (gradients add up); then global-norm clipping of the sum,
 * AdamW with the scheduled rate, zero grads. With G = 1 this is exactly the single-batch step.
 */
public final class TrainingSession implements AutoCloseable {

    private final GptModel model;
    private final AdamW optimizer;
    private final LearningRateSchedule schedule;
    private final LabelSmoothedCrossEntropy objective;
    private final double clipNorm;
    private final long runSeed;
    private final float l2;               // λ of weight_decay_mode l2, else 0
    private final boolean plainObjective; // the objective is the plain cross-entropy (no smoothing, no penalty)
    private final StepPhases phases = new StepPhases();
    private final int accumulation;
    private long step;

    public TrainingSession(GptModel model, AdamW optimizer, RunSpec spec, long step) {
        this.model = model;
        this.optimizer = optimizer;
        OptimizerSpec o = spec.optimizer();
        this.schedule = new LearningRateSchedule(o.learningRate(), o.minLearningRate(), o.warmupSteps(), spec.training().maxSteps());
        RegularizationSpec r = spec.regularization();
        this.objective = new LabelSmoothedCrossEntropy(r.labelSmoothing(), r.labelSmoothingMode());
        this.l2 = r.weightDecayMode() == RegularizationSpec.WeightDecayMode.L2 && r.weightDecay() > 0 ? (float) r.weightDecay() : 0f;
        this.plainObjective = r.labelSmoothing() == 0 && l2 == 0;
        this.clipNorm = o.gradClipNorm();
        this.runSeed = spec.seed();
        this.accumulation = spec.training().gradientAccumulationSteps();
        this.step = step;
    }

    /** A new model and optimizer for the spec, initialized from the run seed. */
    public static TrainingSession fresh(GptModel model, RunSpec spec) {
        OptimizerSpec o = spec.optimizer();
        AdamW adamW = new AdamW(o.beta1(), o.beta2(), o.epsilon(), AdamW.decoupledDecay(spec.regularization()));
        adamW.initialize(model.parameters());
        return new TrainingSession(model, adamW, spec, 0);
    }

    /** One step on one batch: training.gradient_accumulation_steps must be 1. */
    public StepResult train(TokenBatch batch) {
        return train(List.of(batch));
    }

    /** One step on its G micro-batches, records step x G .. step x G + G - 1 in order. */
    public StepResult train(List<TokenBatch> micro) {
        if (micro.size() != accumulation) {
            throw new IllegalArgumentException("a step takes " + accumulation + " micro-batches (training.gradient_accumulation_steps), got "
                    + micro.size());
        }
        for (int m = 0; m < micro.size(); m++) {
            if (micro.get(m).index() != step * accumulation + m) {
                throw new IllegalArgumentException("expected batch " + (step * accumulation + m) + ", got batch " + micro.get(m).index());
            }
        }
        long start = System.nanoTime();
        phases.start();
        GradMode.offOnThisThread();
        double lr = schedule.at(step);
        double loss = 0;
        double crossEntropy = 0;
        double gradNorm;
        long tokens = 0;
        List<NamedParameter> parameters = model.parameters();
        for (int m = 0; m < micro.size(); m++) {
            TokenBatch batch = micro.get(m);
            try (NDScope scope = new NDScope(); NDManager stepManager = model.manager().newSubManager()) {
                scope.suppressNotUsedWarning();
                Seeds.apply(m == 0 ? Seeds.forStep(runSeed, step) : Seeds.forStep(runSeed + m * 0x9E3779B97F4A7C15L, step));
                NDArray inputs = model.ids(stepManager, batch.inputs(), batch.rows(), batch.cols());   // (B, T)
                NDArray targets = model.ids(stepManager, batch.targets(), batch.rows(), batch.cols()); // (B, T)
                phases.lap(StepPhases.Phase.SETUP);
                NDArray logits;
                NDArray objectiveValue;
                try (GradientCollector collector = Engine.getEngine("PyTorch").newGradientCollector()) {
                    logits = model.logits(inputs, true);                                            // (B, T, V)
                    phases.lap(StepPhases.Phase.FORWARD);
                    objectiveValue = objective.evaluate(new NDList(targets), new NDList(logits));
                    if (accumulation > 1) {
                        objectiveValue = Scalars.times(objectiveValue, 1f / accumulation); // the gradients add up to the mean's
                    }
                    NDArray penalty = l2 > 0 && m == 0 ? L2Penalty.of(parameters, l2) : null; // once per step
                    if (penalty != null) {
                        objectiveValue = objectiveValue.add(penalty);
                    }
                    phases.lap(StepPhases.Phase.LOSS);
                    collector.backward(objectiveValue);
                }
                phases.lap(StepPhases.Phase.BACKWARD);
                double value = objectiveValue.getFloat();
                loss += value;
                crossEntropy += plainObjective ? value : CrossEntropy.mean(logits, targets) / accumulation;
                tokens += batch.tokens();
            }
        }
        try (NDScope scope = new NDScope()) {
            scope.suppressNotUsedWarning();
            NDArray grads = optimizer.flatGradients(parameters);                              // (N)
            phases.lap(StepPhases.Phase.GRADIENTS);
            gradNorm = GradientClipping.clipFlat(grads, clipNorm);
            phases.lap(StepPhases.Phase.CLIP);
            optimizer.update(parameters, grads, lr);
            phases.lap(StepPhases.Phase.OPTIMIZER);
            for (NamedParameter p : parameters) {
                JniUtils.zeroGrad((PtNDArray) p.array());
            }
        }
        phases.lap(StepPhases.Phase.CLEANUP);
        phases.stepDone();
        step++;
        return new StepResult(step, loss, crossEntropy, lr, gradNorm, (System.nanoTime() - start) / 1e9, (int) tokens);
    }

    /** Steps done, which is also the index of the next batch. */
    public long step() {
        return step;
    }

    public GptModel model() {
        return model;
    }

    public AdamW optimizer() {
        return optimizer;
    }

    public long runSeed() {
        return runSeed;
    }

    /** Where this session's steps spent their time (summed since creation or the last reset). */
    public StepPhases phases() {
        return phases;
    }

    @Override
    public void close() {
        model.close();
    }
}
