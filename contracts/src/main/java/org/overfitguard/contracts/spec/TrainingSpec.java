package org.overfitguard.contracts.spec;

/**
 * @param batchSize       sequences per batch
 * @param maxSteps        the run ends here at the latest (on its best checkpoint)
 * @param checkpointEvery a checkpoint, and so an evaluation, every this many steps
 * @param metricsEvery    StepMetrics every this many steps
 * @param gradientAccumulationSteps micro-batches per step (nanoGPT's name): each of batch_size sequences and
 *                        its own record; one optimizer step on the sum of their gradients, so the effective
 *                        batch is batch_size x gradient_accumulation_steps
 */
public record TrainingSpec(int batchSize, int maxSteps, int checkpointEvery, int metricsEvery, int gradientAccumulationSteps) {

    public static TrainingSpec defaults() {
        return new TrainingSpec(32, 3000, 100, 10, 1);
    }

    /** Records (micro-batches) the run's whole training takes. */
    public long records() {
        return (long) maxSteps * gradientAccumulationSteps;
    }
}
