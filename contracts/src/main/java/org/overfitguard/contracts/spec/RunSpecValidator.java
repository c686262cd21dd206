package org.overfitguard.contracts.spec;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Range and consistency checks of a bound {@link RunSpec}. Reports every problem, not the first.
 * Service-specific limits (how big a model this trainer accepts) are checked by the service on top.
 */
public final class RunSpecValidator {

    private final List<FieldError> errors = new ArrayList<>();

    private RunSpecValidator() {
    }

    public static List<FieldError> validate(RunSpec s) {
        RunSpecValidator v = new RunSpecValidator();
        v.name(s.name());
        v.data(s.data(), s.model());
        v.augmentation(s.augmentation());
        v.model(s.model());
        v.regularization(s.regularization());
        v.optimizer(s.optimizer(), s.training());
        v.training(s.training());
        v.earlyStopping(s.earlyStopping());
        v.evaluation(s.evaluation());
        return List.copyOf(v.errors);
    }

    private void name(String name) {
        if (name == null || name.isBlank() || name.length() > 80 || hasControl(name, false)) {
            fail("name", name, "a non-empty string of at most 80 characters, without control characters");
        }
    }

    private void data(DataSpec d, ModelSpec m) {
        if (d.source() == DataSpec.Source.SYNTHETIC) {
            if (d.path() != null) {
                fail("data.path", d.path(), "absent for the synthetic source");
            }
        } else if (d.path() == null || d.path().isBlank()) {
            fail("data.path", d.path(), "a path relative to the data root for source " + lower(d.source()));
        } else if (d.path().length() > 1024 || hasControl(d.path(), false)) {
            fail("data.path", d.path(), "a relative path of at most 1024 characters, without control characters");
        } else if (!insideRoot(d.path())) {
            fail("data.path", d.path(), "a relative path inside the data root (no absolute path, no '..')");
        }
        if (d.heldoutPath() != null) {
            if (d.heldoutPath().isBlank() || d.heldoutPath().length() > 1024 || hasControl(d.heldoutPath(), false)) {
                fail("data.heldout_path", d.heldoutPath(), "a relative path of at most 1024 characters, without control characters");
            } else if (!insideRoot(d.heldoutPath())) {
                fail("data.heldout_path", d.heldoutPath(), "a relative path inside the data root (no absolute path, no '..')");
            } else if (d.path() != null && insideRoot(d.path()) && Path.of(d.heldoutPath()).normalize().equals(Path.of(d.path()).normalize())) {
                fail("data.heldout_path", d.heldoutPath(), "a file or directory other than data.path (held-out text must not be trained on)");
            }
        }
        range("data.sentences", d.sentences(), 10, 1_000_000);
        if (!(d.heldOutFraction() > 0 && d.heldOutFraction() <= 0.5)) {
            fail("data.held_out_fraction", d.heldOutFraction(), "in (0, 0.5]");
        }
        range("data.chunk_chars", d.chunkChars(), 32, 1_000_000);
        if (d.format() == DataSpec.Format.JSONL && d.source() == DataSpec.Source.SYNTHETIC) {
            fail("data.format", "jsonl", "text for the synthetic source (jsonl names files)");
        }
        if (d.textField() == null || d.textField().isEmpty() || d.textField().length() > 256 || hasControl(d.textField(), false)) {
            fail("data.text_field", d.textField(), "a field name of 1 to 256 characters, without control characters");
        }
        range("data.max_chars", d.maxChars(), 0, Long.MAX_VALUE);
    }

    private void augmentation(AugmentationSpec a) {
        rate("augmentation.synonym_rate", a.synonymRate());
        rate("augmentation.deletion_rate", a.deletionRate());
        rate("augmentation.swap_rate", a.swapRate());
        rate("augmentation.reorder_rate", a.reorderRate());
        range("augmentation.reorder_window", a.reorderWindow(), 1, 50);
        rate("augmentation.span_deletion_rate", a.spanDeletionRate());
        range("augmentation.span_length", a.spanLength(), 1, 50);
        rate("augmentation.token_mask_rate", a.tokenMaskRate());
        if (!(a.maskRandomFraction() >= 0 && a.maskRandomFraction() <= 1)) {
            fail("augmentation.mask_random_fraction", a.maskRandomFraction(), "in [0, 1]");
        }
    }

    private void model(ModelSpec m) {
        range("model.layers", m.layers(), 1, 48);
        range("model.heads", m.heads(), 1, 64);
        range("model.width", m.width(), 8, 4096);
        range("model.block_size", m.blockSize(), 4, 4096);
        if (m.heads() > 0 && m.width() % m.heads() != 0) {
            fail("model.heads", m.heads(), "a divisor of model.width (" + m.width() + ")");
        }
    }

    private void regularization(RegularizationSpec r) {
        rate("regularization.dropout.embedding", r.dropout().embedding());
        rate("regularization.dropout.attention", r.dropout().attention());
        rate("regularization.dropout.residual", r.dropout().residual());
        rate("regularization.dropout.heads", r.dropout().heads());
        rate("regularization.dropout.mlp", r.dropout().mlp());
        if (!(r.weightDecay() >= 0 && r.weightDecay() <= 10)) {
            fail("regularization.weight_decay", r.weightDecay(), "in [0, 10]");
        }
        rate("regularization.label_smoothing", r.labelSmoothing());
    }

    private void optimizer(OptimizerSpec o, TrainingSpec t) {
        if (!(o.learningRate() > 0 && o.learningRate() <= 1)) {
            fail("optimizer.learning_rate", o.learningRate(), "in (0, 1]");
        }
        if (!(o.minLearningRate() >= 0 && o.minLearningRate() <= o.learningRate())) {
            fail("optimizer.min_learning_rate", o.minLearningRate(), "in [0, optimizer.learning_rate]");
        }
        range("optimizer.warmup_steps", o.warmupSteps(), 0, 1_000_000);
        if (!(o.beta1() >= 0 && o.beta1() < 1)) {
            fail("optimizer.beta1", o.beta1(), "in [0, 1)");
        }
        if (!(o.beta2() >= 0 && o.beta2() < 1)) {
            fail("optimizer.beta2", o.beta2(), "in [0, 1)");
        }
        if (!(o.epsilon() > 0 && o.epsilon() <= 1e-2)) {
            fail("optimizer.epsilon", o.epsilon(), "in (0, 0.01]");
        }
        if (!(o.gradClipNorm() >= 0 && Double.isFinite(o.gradClipNorm()))) {
            fail("optimizer.grad_clip_norm", o.gradClipNorm(), "a finite number >= 0 (0 turns clipping off)");
        }
    }

    private void training(TrainingSpec t) {
        range("training.batch_size", t.batchSize(), 1, 4096);
        range("training.max_steps", t.maxSteps(), 1, 10_000_000);
        range("training.checkpoint_every", t.checkpointEvery(), 1, 10_000_000); // beyond max_steps: only the final checkpoint
        range("training.metrics_every", t.metricsEvery(), 1, RunFootprint.MAX_METRICS_EVERY); // bounds data-service's lead
        range("training.gradient_accumulation_steps", t.gradientAccumulationSteps(), 1, RunFootprint.MAX_ACCUMULATION);
    }

    private void earlyStopping(EarlyStoppingSpec e) {
        range("early_stopping.patience", e.patience(), 1, 1000);
        if (!(e.minDelta() >= 0 && Double.isFinite(e.minDelta()))) {
            fail("early_stopping.min_delta", e.minDelta(), "a finite number >= 0");
        }
        range("early_stopping.start_from_step", e.startFromStep(), 0, Long.MAX_VALUE);
        finiteOrNull("early_stopping.baseline", e.baseline());
        finiteOrNull("early_stopping.stopping_threshold", e.stoppingThreshold());
        finiteOrNull("early_stopping.divergence_threshold", e.divergenceThreshold());
        if (e.monitor() != EarlyStoppingSpec.Monitor.ACCURACY && e.mode() == EarlyStoppingSpec.Mode.MAX) {
            fail("early_stopping.mode", "max", "min or auto when monitoring " + lower(e.monitor()) + " (lower is better)");
        }
        if (e.monitor() == EarlyStoppingSpec.Monitor.ACCURACY && e.mode() == EarlyStoppingSpec.Mode.MIN) {
            fail("early_stopping.mode", "min", "max or auto when monitoring accuracy (higher is better)");
        }
    }

    private void evaluation(EvaluationSpec e) {
        range("evaluation.max_tokens", e.maxTokens(), 0, Long.MAX_VALUE);
        if (e.samplePrompt() == null || e.samplePrompt().length() > 200 || hasControl(e.samplePrompt(), true)) {
            fail("evaluation.sample_prompt", e.samplePrompt(),
                    "a string of at most 200 characters (control characters other than tab and newline are not allowed)");
        }
        range("evaluation.sample_tokens", e.sampleTokens(), 0, 1000);
        if (!(e.sampleTemperature() > 0 && e.sampleTemperature() <= 10)) {
            fail("evaluation.sample_temperature", e.sampleTemperature(), "in (0, 10]");
        }
    }

    private static boolean insideRoot(String path) {
        try {
            Path p = Path.of(path).normalize();
            return !p.isAbsolute() && !p.startsWith("..");
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** A NUL, escape or other C0/C1 control character (tab and newlines allowed when {@code textOk}). */
    private static boolean hasControl(String s, boolean textOk) {
        return s.codePoints().anyMatch(c -> Character.isISOControl(c) && !(textOk && (c == '\n' || c == '\t' || c == '\r')));
    }

    private void rate(String field, double value) {
        if (!(value >= 0 && value < 1)) {
            fail(field, value, "in [0, 1)");
        }
    }

    private void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            fail(field, value, max == Long.MAX_VALUE ? ">= " + min : "in [" + min + ", " + max + "]");
        }
    }

    private void finiteOrNull(String field, Double value) {
        if (value != null && !Double.isFinite(value)) {
            fail(field, value, "a finite number or null");
        }
    }

    private void fail(String field, Object value, String allowed) {
        String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
        errors.add(new FieldError(field, shown, allowed));
    }

    private static String lower(Enum<?> e) {
        return e.name().toLowerCase(java.util.Locale.ROOT);
    }
}
