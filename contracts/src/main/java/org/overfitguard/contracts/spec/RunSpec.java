package org.overfitguard.contracts.spec;

/**
 * The full description of a training run. Every section has defaults, so an empty document is a
 * valid small run: a char-level GPT on a slice of the synthetic corpus, no regularization but early
 * stopping, which overfits visibly in about a minute on a laptop CPU and is stopped by the evaluator.
 *
 * <p>On the wire (JSON or YAML) field names are snake_case: {@code early_stopping.min_delta}.
 * Read with {@link RunSpecs}, which reports every bad field at once.
 */
public record RunSpec(
        String name,
        long seed,
        DataSpec data,
        TokenizerSpec tokenizer,
        AugmentationSpec augmentation,
        ModelSpec model,
        RegularizationSpec regularization,
        OptimizerSpec optimizer,
        TrainingSpec training,
        EarlyStoppingSpec earlyStopping,
        EvaluationSpec evaluation) {

    public static RunSpec defaults() {
        return new RunSpec("default", 1337, DataSpec.defaults(), TokenizerSpec.defaults(), AugmentationSpec.defaults(),
                ModelSpec.defaults(), RegularizationSpec.defaults(), OptimizerSpec.defaults(), TrainingSpec.defaults(),
                EarlyStoppingSpec.defaults(), EvaluationSpec.defaults());
    }

    public RunSpec withName(String newName) {
        return new RunSpec(newName, seed, data, tokenizer, augmentation, model, regularization, optimizer, training,
                earlyStopping, evaluation);
    }

    public RunSpec withAugmentation(AugmentationSpec a) {
        return new RunSpec(name, seed, data, tokenizer, a, model, regularization, optimizer, training, earlyStopping, evaluation);
    }

    public RunSpec withModel(ModelSpec m) {
        return new RunSpec(name, seed, data, tokenizer, augmentation, m, regularization, optimizer, training, earlyStopping, evaluation);
    }

    public RunSpec withRegularization(RegularizationSpec r) {
        return new RunSpec(name, seed, data, tokenizer, augmentation, model, r, optimizer, training, earlyStopping, evaluation);
    }

    public RunSpec withTraining(TrainingSpec t) {
        return new RunSpec(name, seed, data, tokenizer, augmentation, model, regularization, optimizer, t, earlyStopping, evaluation);
    }

    public RunSpec withEarlyStopping(EarlyStoppingSpec e) {
        return new RunSpec(name, seed, data, tokenizer, augmentation, model, regularization, optimizer, training, e, evaluation);
    }
}
