package org.overfitguard.lm.export;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.spec.AugmentationSpec;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.RegularizationSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;

/**
 * The README.md beside an exported model, as a Hugging Face model card: YAML front matter, then how
 * the model was trained and what was measured on held-out data. Every figure comes from the run's
 * events and the checkpoint; what is unknown says so instead of being left out.
 *
 * @param runId            the run
 * @param spec             its run spec
 * @param dataset          the dataset data-service prepared, or null if unknown
 * @param step             steps trained into the exported weights
 * @param finalModel       true for the run's final model, false for a checkpoint exported on request
 * @param device           where it trained (RunStarted), or null
 * @param trainingTime     from the first start to completion, or null
 * @param completion       why the run ended, or null (still running, or a checkpoint)
 * @param stop             the early-stopping decision, or null if none fired
 * @param scores           the held-out evaluation of exactly these weights, or null if they were never scored
 * @param checkpointSha256 SHA-256 of the checkpoint's manifest (its files and their hashes)
 */
public record ModelCard(String runId, RunSpec spec, DatasetPrepared dataset, long step, boolean finalModel, String device,
                        Duration trainingTime, CompletionReason completion, StopRequested stop,
                        Scores scores, String checkpointSha256) {

    /** What the evaluator measured on these weights (EvaluationCompleted); sample may be null. */
    public record Scores(double heldOutLoss, double perplexity, double accuracy, Double trainLoss, Double gap, long heldOutTokens,
                         String sample) {

        public static Scores of(EvaluationCompleted e, boolean withSample) {
            return new Scores(e.heldOutLoss(), e.perplexity(), e.accuracy(), e.trainLoss(), e.gap(), e.heldOutTokens(),
                    withSample ? e.sample() : null);
        }
    }

    /** One exported file, for the card's table. */
    public record FileEntry(String name, long bytes, String sha256) {
    }

    public String markdown(List<FileEntry> files) {
        StringBuilder md = new StringBuilder();
        md.append("---\nlibrary_name: overfit-guard\npipeline_tag: text-generation\ntags:\n  - gpt2\n  - text-generation\n")
                .append("  - overfit-guard\n  - ").append(spec.tokenizer().kind().name().toLowerCase(Locale.ROOT)).append("-level\n---\n\n");
        md.append("# ").append(spec.name()).append(" (run ").append(runId).append(", ").append(finalModel ? "final model" : "checkpoint")
                .append(" at step ").append(step).append(")\n\n");
        md.append("A GPT (").append(spec.model().layers()).append(" layers, ").append(spec.model().heads()).append(" heads, ")
                .append(spec.model().width()).append(" wide, context ").append(spec.model().blockSize()).append(" tokens, ")
                .append(spec.model().norm().name().toLowerCase(Locale.ROOT)).append("-LN")
                .append(spec.regularization().weightTying() ? ", output tied to the token embedding" : "")
                .append(") trained by Overfit Guard.\n\n");
        data(md);
        regularization(md);
        earlyStopping(md);
        evaluation(md);
        md.append("## Training\n\n| | |\n|---|---|\n");
        row(md, "steps in these weights", String.valueOf(step));
        row(md, "max steps", String.valueOf(spec.training().maxSteps()));
        row(md, "batch", spec.training().batchSize() + " x " + spec.model().blockSize() + " tokens"
                + (spec.training().gradientAccumulationSteps() > 1 ? ", " + spec.training().gradientAccumulationSteps()
                + " micro-batches accumulated per step" : ""));
        row(md, "optimizer", "AdamW, learning rate " + num(spec.optimizer().learningRate()));
        row(md, "seed", String.valueOf(spec.seed()));
        row(md, "device", device == null ? "unknown" : device);
        row(md, "training time", trainingTime == null ? "unknown" : seconds(trainingTime));
        row(md, "run ended", completion == null ? "not (yet)" : completion.name().toLowerCase(Locale.ROOT));
        row(md, "checkpoint manifest SHA-256", "`" + checkpointSha256 + "`");
        md.append("\n## Files\n\n| file | bytes | SHA-256 |\n|---|---|---|\n");
        for (FileEntry f : files) {
            md.append("| `").append(f.name()).append("` | ").append(f.bytes()).append(" | `").append(f.sha256()).append("` |\n");
        }
        md.append("\n`model.safetensors` holds float32 tensors named as in GPT-2 (`transformer.wte.weight`, "
                + "`transformer.h.0.attn.c_attn.weight`, ...); the attention and MLP projection matrices are stored (in, out) "
                + "as GPT-2's Conv1D keeps them, so `transformers.GPT2LMHeadModel.from_pretrained(\"<this directory>\")` reads "
                + "them as they are and a torch.nn.Linear model (nanoGPT) takes their transposes.");
        if (spec.model().norm() != org.overfitguard.contracts.spec.ModelSpec.NormPlacement.PRE) {
            md.append(" **This model is post-LN**: GPT-2 code normalises before each sub-layer, so it would load these weights "
                    + "but compute a different function; `config.json` says `\"overfit_guard_norm\": \"post\"`.");
        }
        md.append("\n\n## Run spec\n\n```yaml\n").append(RunSpecs.toYaml(spec).strip()).append("\n```\n");
        return md.toString();
    }

    private void data(StringBuilder md) {
        DataSpec d = spec.data();
        md.append("## Training data\n\n| | |\n|---|---|\n");
        row(md, "corpus", switch (d.source()) {
            case SYNTHETIC -> "synthetic grammar, " + d.sentences() + " sentences";
            case FILE -> "file `" + d.path() + "`";
            case DIRECTORY -> "directory `" + d.path() + "`";
        });
        row(md, "split", "random " + Math.round(d.heldOutFraction() * 100) + "% of " + d.chunkChars()
                + "-character chunks held out" + (d.maxChars() > 0 ? ", first " + d.maxChars() + " characters" : ""));
        row(md, "tokenizer", spec.tokenizer().kind().name().toLowerCase(Locale.ROOT)
                + (dataset == null ? "" : ", vocabulary " + dataset.vocabSize()));
        if (dataset != null) {
            row(md, "tokens", dataset.trainTokens() + " train, " + dataset.heldOutTokens() + " held out");
            row(md, "entropy floor", dataset.sourceEntropyNatsPerToken() == null ? "unknown (not a synthetic corpus)"
                    : num(dataset.sourceEntropyNatsPerToken()) + " nats/token (" + dataset.entropyMethod() + ")");
        }
        md.append('\n');
    }

    private void regularization(StringBuilder md) {
        RegularizationSpec r = spec.regularization();
        AugmentationSpec a = spec.augmentation();
        md.append("## Regularization\n\n| technique | strength |\n|---|---|\n");
        row(md, "dropout (embedding, attention, residual, heads, MLP hidden)", num(r.dropout().embedding()) + ", "
                + num(r.dropout().attention()) + ", " + num(r.dropout().residual()) + ", " + num(r.dropout().heads()) + ", "
                + num(r.dropout().mlp()));
        row(md, r.weightDecayMode() == RegularizationSpec.WeightDecayMode.L2 ? "weight decay (L2 penalty in the loss)"
                : "weight decay (decoupled, AdamW)", num(r.weightDecay()));
        row(md, "weight tying", r.weightTying() ? "on" : "off");
        row(md, r.labelSmoothingMode() == RegularizationSpec.LabelSmoothingMode.OTHERS ? "label smoothing (over the wrong classes)"
                : "label smoothing (uniform)", num(r.labelSmoothing()));
        row(md, "augmentation: synonyms, deletion, swap", num(a.synonymRate()) + ", " + num(a.deletionRate()) + ", " + num(a.swapRate()));
        row(md, "augmentation: sentence reorder (window), span deletion (length)", num(a.reorderRate()) + " (" + a.reorderWindow()
                + "), " + num(a.spanDeletionRate()) + " (" + a.spanLength() + ")");
        row(md, "augmentation: token masking (random share)", num(a.tokenMaskRate()) + " (" + num(a.maskRandomFraction()) + ")");
        ModelSpec m = spec.model();
        row(md, "residual connections, normalization", (m.residual() ? "on" : "off") + ", " + (m.norm() == ModelSpec.NormPlacement.NONE
                ? "none" : m.norm().name().toLowerCase(Locale.ROOT) + "-" + (m.normKind() == ModelSpec.NormKind.RMSNORM ? "RMSNorm" : "LN")));
        md.append('\n');
    }

    private void earlyStopping(StringBuilder md) {
        EarlyStoppingSpec e = spec.earlyStopping();
        md.append("## Early stopping\n\n");
        if (!e.enabled()) {
            md.append("Off: the run trained to its last step.\n\n");
            return;
        }
        md.append("On the ").append(switch (e.monitor()) {
            case HELDOUT_LOSS -> "held-out loss";
            case PERPLEXITY -> "held-out perplexity";
            case ACCURACY -> "held-out accuracy";
        }).append(", patience ").append(e.patience())
                .append(" evaluations, min delta ").append(num(e.minDelta())).append(" (").append(e.minDeltaMode().name().toLowerCase(Locale.ROOT))
                .append(").");
        if (stop != null) {
            md.append(" Fired at step ").append(stop.atStep()).append(": ").append(stop.reason().name().toLowerCase(Locale.ROOT))
                    .append(stop.bestStep() == null ? "" : "; best step " + stop.bestStep())
                    .append(stop.bestValue() == null ? "" : ", " + stop.monitor() + " " + num(stop.bestValue()))
                    .append(stop.detail() == null ? "" : " (" + stop.detail() + ")").append('.');
        } else {
            md.append(" It did not fire.");
        }
        md.append("\n\n");
    }

    private void evaluation(StringBuilder md) {
        md.append("## Held-out evaluation of these weights\n\n");
        if (scores == null) {
            md.append("These weights were not scored on held-out data.\n\n");
            return;
        }
        Scores e = scores;
        md.append("| metric | value |\n|---|---|\n");
        row(md, "held-out loss", num(e.heldOutLoss()) + " nats/token over " + e.heldOutTokens() + " tokens");
        row(md, "perplexity", num(e.perplexity()));
        row(md, "accuracy (next token)", num(e.accuracy()));
        row(md, "training loss", e.trainLoss() == null ? "unknown" : num(e.trainLoss()));
        row(md, "generalization gap (held-out - training)", e.gap() == null ? "unknown" : num(e.gap()));
        if (e.sample() != null && !e.sample().isBlank()) {
            md.append("\nSample (prompt `").append(spec.evaluation().samplePrompt().replace("`", "'")).append("`, temperature ")
                    .append(num(spec.evaluation().sampleTemperature())).append("):\n\n```text\n").append(e.sample().replace("```", "'''"))
                    .append("\n```\n");
        }
        md.append('\n');
    }

    private static void row(StringBuilder md, String key, String value) {
        md.append("| ").append(key).append(" | ").append(value.replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }

    /** Four significant digits, no trailing zeros: 0.05, 2.25, 9.488, 0. */
    private static String num(double v) {
        if (!Double.isFinite(v)) {
            return String.valueOf(v);
        }
        String s = new java.math.BigDecimal(String.format(Locale.ROOT, "%.4g", v)).stripTrailingZeros().toPlainString();
        return s.equals("-0") ? "0" : s;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
