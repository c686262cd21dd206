package org.overfitguard.trainer.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.contracts.spec.TokenizerSpec;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.trainer.TrainerConfig;

/**
 * This trainer's own limits on top of the spec's ranges (trainer.limits.*). The vocabulary is not
 * known before data-service reads the corpus, so the parameter bound uses each tokenizer's largest
 * vocabulary: char 4096 (more distinct characters than that would be an odd corpus), byte 257,
 * gpt2 50258.
 */
@ApplicationScoped
public class SpecLimits {

    @Inject
    TrainerConfig config;

    /** The spec's own errors and this trainer's limits together; throws with all of them, or returns the spec. */
    public RunSpec validate(String body) {
        RunSpecs.Checked checked = RunSpecs.check(body);
        List<FieldError> errors = new ArrayList<>(checked.errors());
        errors.addAll(exceeded(checked.spec()));
        if (!errors.isEmpty()) {
            throw new InvalidRunSpecException(errors);
        }
        return checked.spec();
    }

    List<FieldError> exceeded(RunSpec spec) {
        TrainerConfig.Limits l = config.limits();
        List<FieldError> errors = new ArrayList<>();
        if (spec.training().maxSteps() > l.maxSteps()) {
            errors.add(new FieldError("training.max_steps", String.valueOf(spec.training().maxSteps()),
                    "at most " + l.maxSteps() + " on this trainer (trainer.limits.max-steps)"));
        }
        long batchTokens = (long) spec.training().batchSize() * spec.model().blockSize();
        if (batchTokens > l.maxBatchTokens()) {
            errors.add(new FieldError("training.batch_size", String.valueOf(spec.training().batchSize()),
                    "such that batch_size x model.block_size <= " + l.maxBatchTokens() + " (was " + batchTokens
                            + "; trainer.limits.max-batch-tokens)"));
        }
        long parameters = GptConfig.parameterCount(largestVocabulary(spec.tokenizer().kind()), spec.model().blockSize(),
                spec.model().layers(), spec.model().width(), spec.regularization().weightTying());
        if (parameters > l.maxParameters()) {
            errors.add(new FieldError("model", "about " + parameters + " parameters",
                    "at most " + l.maxParameters() + " parameters on this trainer (trainer.limits.max-parameters)"));
        }
        return errors;
    }

    static int largestVocabulary(TokenizerSpec.Kind kind) {
        return switch (kind) {
            case CHAR -> 4096;
            case BYTE -> 257;
            case GPT2 -> 50258;
        };
    }
}
