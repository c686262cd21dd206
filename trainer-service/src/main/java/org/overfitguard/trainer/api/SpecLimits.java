package org.overfitguard.trainer.api;

import com.sun.management.OperatingSystemMXBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.RegularizationSpec;
import org.overfitguard.contracts.spec.RunFootprint;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.contracts.spec.TokenizerSpec;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.MemoryEstimate;
import org.overfitguard.trainer.TrainerConfig;

/**
 * Admission: this trainer's own limits on top of the spec's ranges (trainer.limits.*), checked
 * before anything is published, so a run that could not finish here is a 400 and never a run that
 * dies at every restart. The vocabulary is not known before data-service reads the corpus, so
 * every estimate uses the tokenizer's largest: char 4096 (data-service fails a corpus with more),
 * byte 257, gpt2 50258.
 *
 * <p>Checked: steps; tokens per batch; parameters; peak training memory ({@link MemoryEstimate});
 * the batch record against the brokers' record limit; checkpoint disk; the batch topic's retained
 * bytes; the number of evaluations. Each error names the field to change, the estimate and the limit.
 */
@ApplicationScoped
public class SpecLimits {

    @Inject
    TrainerConfig config;

    /** The spec's own errors and this trainer's limits together; throws with all of them, or returns the spec. */
    public RunSpec validate(String body) {
        RunSpecs.Checked checked = RunSpecs.check(body);
        List<FieldError> errors = new ArrayList<>(checked.errors());
        errors.addAll(exceeded(checked.spec(), checked.errors().isEmpty()));
        if (!errors.isEmpty()) {
            throw new InvalidRunSpecException(errors);
        }
        return checked.spec();
    }

    /** Peak training memory a run may take here (trainer.limits.max-memory, or 80% of the memory beside the heap). */
    public long memoryBudget() {
        return config.limits().maxMemory().map(m -> m.asLongValue()).orElseGet(() -> nativeMemory());
    }

    /** With {@code whole} false (the spec has errors of its own) only the limits that need no consistent model. */
    List<FieldError> exceeded(RunSpec spec, boolean whole) {
        TrainerConfig.Limits l = config.limits();
        List<FieldError> errors = new ArrayList<>();
        int vocabulary = TokenizerSpec.largestVocabulary(spec.tokenizer().kind());
        String withVocabulary = " (with a " + spec.tokenizer().kind().name().toLowerCase() + " vocabulary of at most " + vocabulary + ")";
        String batchSize = String.valueOf(spec.training().batchSize());
        if (spec.training().maxSteps() > l.maxSteps()) {
            errors.add(new FieldError("training.max_steps", String.valueOf(spec.training().maxSteps()),
                    "at most " + l.maxSteps() + " on this trainer (trainer.limits.max-steps)"));
        }
        long batchTokens = (long) spec.training().batchSize() * spec.model().blockSize();
        if (batchTokens > l.maxBatchTokens()) {
            errors.add(new FieldError("training.batch_size", batchSize,
                    "such that batch_size x model.block_size <= " + l.maxBatchTokens() + " (was " + batchTokens
                            + "; trainer.limits.max-batch-tokens)"));
        }
        if (!whole) {
            return errors;
        }
        GptConfig model = GptConfig.of(spec, vocabulary);
        long parameters = model.expectedParameterCount();
        if (parameters > l.maxParameters()) {
            errors.add(new FieldError("model", "about " + parameters + " parameters",
                    "at most " + l.maxParameters() + " parameters on this trainer (trainer.limits.max-parameters)"));
        }
        long memory = (long) (MemoryEstimate.trainingBytes(model, spec.training().batchSize(), spec.regularization().labelSmoothing() > 0,
                spec.regularization().weightDecayMode() == RegularizationSpec.WeightDecayMode.L2 && spec.regularization().weightDecay() > 0)
                * MemoryEstimate.allocatorFactor(System.getenv()));
        if (memory > memoryBudget()) {
            errors.add(new FieldError("training.batch_size", batchSize, "small enough for the estimated peak training memory, "
                    + MemoryEstimate.human(memory) + withVocabulary + ", to fit this trainer's " + MemoryEstimate.human(memoryBudget())
                    + " (trainer.limits.max-memory); lower training.batch_size, model.block_size or the model's size"));
        }
        long record = RunFootprint.batchRecordBytes(spec, vocabulary);
        if (record > l.maxRecordBytes()) {
            errors.add(new FieldError("training.batch_size", batchSize, "small enough for one training batch record, "
                    + record + " bytes for batch_size x model.block_size tokens, to fit the brokers' record limit of "
                    + l.maxRecordBytes() + " bytes (trainer.limits.max-record-bytes)"));
        }
        long disk = (config.keepLastCheckpoints() + 2L) * MemoryEstimate.checkpointBytes(parameters);
        if (disk > l.maxCheckpointDisk().asLongValue()) {
            errors.add(new FieldError("model", "about " + parameters + " parameters", "small enough for the run's checkpoints (the best, "
                    + config.keepLastCheckpoints() + " newest and the final model, " + MemoryEstimate.human(disk) + ") to fit "
                    + MemoryEstimate.human(l.maxCheckpointDisk().asLongValue()) + " (trainer.limits.max-checkpoint-disk)"));
        }
        long topic = RunFootprint.batchTopicBytes(spec, vocabulary, 0);
        if (record <= l.maxRecordBytes() && topic > l.maxTopicBytes().asLongValue()) {
            errors.add(new FieldError("training.checkpoint_every", String.valueOf(spec.training().checkpointEvery()),
                    "small enough that the batches a resume may need (" + RunFootprint.RESUME_INTERVALS
                            + " x checkpoint_every + the stream's lead, " + MemoryEstimate.human(topic) + ") fit the batch topic's "
                            + MemoryEstimate.human(l.maxTopicBytes().asLongValue()) + " (trainer.limits.max-topic-bytes)"));
        }
        long evaluations = spec.training().maxSteps() / spec.training().checkpointEvery();
        if (evaluations > l.maxEvaluations()) {
            errors.add(new FieldError("training.checkpoint_every", String.valueOf(spec.training().checkpointEvery()),
                    "such that max_steps / checkpoint_every <= " + l.maxEvaluations() + " evaluations (was " + evaluations
                            + "; trainer.limits.max-evaluations)"));
        }
        return errors;
    }

    /** The machine's memory, or the container's limit when there is one (the JVM reads cgroups). */
    /**
     * The default budget: 80% of what the machine (or the container's limit: the JVM reads cgroups)
     * leaves beside the Java heap, where libtorch allocates its tensors.
     */
    static long nativeMemory() {
        return (long) (0.8 * Math.max(0, machineMemory() - Runtime.getRuntime().maxMemory()));
    }

    static long machineMemory() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
