package org.overfitguard.evaluator.evaluate;

import ai.djl.Device;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.spec.EvaluationSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.checkpoint.CheckpointException;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.checkpoint.LoadedCheckpoint;
import org.overfitguard.lm.eval.HeldOutEvaluator;
import org.overfitguard.lm.eval.HeldOutScore;
import org.overfitguard.lm.eval.TextSampler;
import org.overfitguard.lm.model.MemoryEstimate;
import org.overfitguard.text.tokenize.Tokenizer;
import org.overfitguard.text.tokenize.Tokenizers;

/**
 * One checkpoint to numbers: verify its manifest against the one announced, load the model, score
 * the run's held-out set (plain cross-entropy, no dropout) and write the fixed-seed sample.
 */
final class CheckpointEvaluator {

    /** The sampler's seed: fixed, so samples at different steps differ only by what the model learned. */
    static final long SAMPLE_SEED = 20261128L;

    /** What an evaluation found. */
    record Scored(RunSpec spec, HeldOutScore score, String sample) {
    }

    private final Device device;
    private final HeldOutCache heldOut;
    private final int rowsPerForward;
    private final long memoryBudget;
    private final Path root;
    private final Duration heldOutTimeout;

    /**
     * @param rowsPerForward the most held-out rows per forward pass
     * @param memoryBudget   peak bytes of one forward pass: fewer rows when a model's would not fit
     * @param root           the checkpoint root: no path outside it is ever read
     */
    CheckpointEvaluator(Device device, HeldOutCache heldOut, int rowsPerForward, long memoryBudget, Path root, Duration heldOutTimeout) {
        this.device = device;
        this.heldOut = heldOut;
        this.rowsPerForward = rowsPerForward;
        this.memoryBudget = memoryBudget;
        this.root = root.toAbsolutePath().normalize();
        this.heldOutTimeout = heldOutTimeout;
    }

    /** @param progress called at least once per forward pass and per held-out read poll: proof the evaluation lives */
    Scored evaluate(CheckpointSaved c, Runnable progress) throws CheckpointException {
        Path dir = Path.of(c.path()).toAbsolutePath().normalize();
        if (!dir.startsWith(root)) {
            throw new CheckpointException("checkpoint path " + c.path() + " is outside evaluator.checkpoint-root " + root);
        }
        String manifest = CheckpointStore.verify(dir);
        if (!manifest.equals(c.manifestSha256())) {
            throw new CheckpointException("checkpoint " + dir + " has manifest SHA-256 " + manifest + ", CheckpointSaved announced "
                    + c.manifestSha256() + ": it changed since it was saved");
        }
        try (LoadedCheckpoint loaded = CheckpointStore.loadModel(dir, device)) {
            if (!loaded.meta().runId().equals(c.runId()) || loaded.meta().step() != c.step()) {
                throw new CheckpointException("checkpoint " + dir + " holds run " + loaded.meta().runId() + " step "
                        + loaded.meta().step() + ", not run " + c.runId() + " step " + c.step());
            }
            RunSpec spec = loaded.meta().spec();
            List<TokenBatch> records = heldOut.get(c.runId(), loaded.meta().dataset().heldOutRecords(), heldOutTimeout, progress);
            int rows = MemoryEstimate.rowsWithin(loaded.model().config(), memoryBudget, rowsPerForward);
            HeldOutScore score = HeldOutEvaluator.evaluate(loaded.model(), records, spec.evaluation().maxTokens(), rows, progress);
            return new Scored(spec, score, sample(loaded, spec.evaluation()));
        }
    }

    private static String sample(LoadedCheckpoint loaded, EvaluationSpec e) {
        if (e.sampleTokens() == 0) {
            return "";
        }
        Tokenizer tokenizer = Tokenizers.fromDataset(loaded.meta().dataset());
        int[] prompt = tokenizer.encode(e.samplePrompt());
        return tokenizer.decode(TextSampler.sample(loaded.model(), prompt, e.sampleTokens(), e.sampleTemperature(), SAMPLE_SEED));
    }
}
