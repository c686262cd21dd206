package org.overfitguard.contracts.spec;

/**
 * @param batchSize       sequences per batch
 * @param maxSteps        the run ends here at the latest (on its best checkpoint)
 * @param checkpointEvery a checkpoint, and so an evaluation, every this many steps
 * @param metricsEvery    StepMetrics every this many steps
 */
public record TrainingSpec(int batchSize, int maxSteps, int checkpointEvery, int metricsEvery) {

    public static TrainingSpec defaults() {
        return new TrainingSpec(32, 3000, 100, 10);
    }
}
