package org.overfitguard.contracts.events;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.TokenizerSpec;

/**
 * What a valid event is: the one place every consumer's check comes from. Parsing only proves the
 * bytes are JSON of a known type; a record such as {"type":"RunRequested","run_id":"x"} parses and
 * would then break whoever folds it. Every field a consumer relies on is required here, every
 * number is in its range, the run id is one a topic name can carry, and the record sits on its
 * type's topic under its run's key.
 *
 * <p>Metrics may be NaN (a diverging run is reported as it is); counts, steps and ids may not be
 * out of range. Strings are bounded, so a folded state cannot be inflated by one record.
 */
public final class EventContract {

    /** The longest free text an event carries (a failure reason, a sample, a stop detail). */
    public static final int MAX_TEXT = 64 * 1024;
    /** The longest id, name or path. */
    public static final int MAX_NAME = 4096;
    /** The largest vocabulary an event may describe (GPT-2's 50,257 with room to spare). */
    public static final int MAX_VOCABULARY = 1 << 20;

    private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");
    private static final List<String> TOKENIZERS = java.util.Arrays.stream(TokenizerSpec.Kind.values())
            .map(k -> k.name().toLowerCase(java.util.Locale.ROOT)).toList();

    private final List<String> violations = new ArrayList<>();

    private EventContract() {
    }

    /** Every way the event breaks the contract, in words that name the field; empty when it is valid. */
    public static List<String> violations(Event event) {
        EventContract c = new EventContract();
        if (event == null) {
            return List.of("the record is JSON null, not an event");
        }
        c.common(event);
        if (event instanceof RunRequested e) {
            c.required("spec", e.spec());
            c.optionalName("sweep_id", e.sweepId());
            c.optionalName("variant", e.variant());
            if (e.asha() != null) {
                c.asha("asha", e.asha());
                if (e.sweepId() == null) {
                    c.fail("sweep_id", null, "present when asha is (an ASHA trial belongs to a sweep)");
                }
            }
        } else if (event instanceof RunStarted e) {
            c.required("spec", e.spec());
            c.name("trainer_id", e.trainerId());
            c.name("device", e.device());
            c.atLeast("resumed_from_step", e.resumedFromStep(), 0);
        } else if (event instanceof DatasetPrepared e) {
            c.datasetPrepared(e);
        } else if (event instanceof RunCompleted e) {
            c.required("reason", e.reason());
            c.atLeast("steps", e.steps(), 0);
            c.optionalAtLeast("best_step", e.bestStep(), 0);
            c.optionalName("final_model_path", e.finalModelPath());
            c.optionalName("final_checkpoint", e.finalCheckpoint());
        } else if (event instanceof RunReleased e) {
            c.name("trainer_id", e.trainerId());
            c.atLeast("at_step", e.atStep(), 0);
            c.text("reason", e.reason());
            if (e.pausedAtRung() != null) {
                c.range("paused_at_rung", e.pausedAtRung(), 0, MAX_RUNGS - 1);
            }
        } else if (event instanceof RunFailed e) {
            c.name("service", e.service());
            c.text("reason", e.reason());
        } else if (event instanceof StepMetrics e) {
            c.atLeast("step", e.step(), 1);
            c.atLeast("tokens_seen", e.tokensSeen(), 0);
            c.notNegative("tokens_per_second", e.tokensPerSecond());
            c.notNegative("step_seconds", e.stepSeconds());
        } else if (event instanceof CheckpointSaved e) {
            c.atLeast("step", e.step(), 0);
            c.name("path", e.path());
            if (e.manifestSha256() == null || !SHA256.matcher(e.manifestSha256()).matches()) {
                c.fail("manifest_sha256", e.manifestSha256(), "64 lowercase hex digits");
            }
            c.atLeast("size_bytes", e.sizeBytes(), 0);
        } else if (event instanceof EvaluationStarted e) {
            c.atLeast("step", e.step(), 0);
            c.name("checkpoint_path", e.checkpointPath());
            c.range("attempt", e.attempt(), 1, MAX_ATTEMPTS);
            c.name("evaluator_id", e.evaluatorId());
        } else if (event instanceof EvaluationCompleted e) {
            c.evaluationCompleted(e);
        } else if (event instanceof StopRequested e) {
            c.required("reason", e.reason());
            c.name("monitor", e.monitor());
            c.atLeast("at_step", e.atStep(), 0);
            c.optionalAtLeast("best_step", e.bestStep(), 0);
            c.optionalName("best_checkpoint", e.bestCheckpoint());
            c.optionalText("detail", e.detail());
        } else if (event instanceof CancelRequested e) {
            c.text("reason", e.reason());
        } else if (event instanceof TrialEvaluated e) {
            c.sweepId(e.sweepId());
            c.required("schedule", e.schedule());
            if (e.schedule() != null) {
                c.asha("schedule", e.schedule());
            }
            c.atLeast("step", e.step(), 0);
            c.name("monitor", e.monitor());
            c.optionalAtLeast("best_step", e.bestStep(), 0);
            c.optionalName("best_checkpoint", e.bestCheckpoint());
        } else if (event instanceof TrialJudged e) {
            c.sweepId(e.sweepId());
            c.atLeast("rung", e.rung(), 0);
            c.atLeast("rung_step", e.rungStep(), 1);
            c.atLeast("step", e.step(), e.rungStep());
            c.atLeast("reached", e.reached(), 1);
            c.range("rank", e.rank(), 1, Math.max(1, e.reached()));
            c.range("kept", e.kept(), 1, Math.max(1, e.reached()));
            c.required("decision", e.decision());
        } else if (event instanceof TrialPromoted e) {
            c.sweepId(e.sweepId());
            c.range("rung", e.rung(), 0, MAX_RUNGS - 1);
            c.atLeast("until_step", e.untilStep(), 1);
        } else if (event instanceof TrialEnded e) {
            c.sweepId(e.sweepId());
            c.name("reason", e.reason());
        }
        return List.copyOf(c.violations);
    }

    /** The event's violations plus its place: on its type's topic (per-run and unknown topics are not checked). */
    public static List<String> violations(Event event, String topic) {
        List<String> all = new ArrayList<>(violations(event));
        if (event != null && topic != null && Topics.STATIC.contains(topic) && !Topics.forEvent(event).equals(topic)) {
            all.add(event.type() + " belongs on topic " + Topics.forEvent(event) + ", not " + topic);
        }
        return all;
    }

    /**
     * All of the above plus the key: a run's events are keyed by its run id, which keeps them in one
     * partition; tuning events by their sweep id ({@link Event#key()}).
     */
    public static List<String> violations(Event event, String topic, String key) {
        List<String> all = new ArrayList<>(violations(event, topic));
        if (event != null && event.key() != null && !event.key().equals(key)) {
            String what = event.key().equals(event.runId()) ? "run id" : "sweep id";
            all.add("the record key must be the " + what + " '" + FieldError.shorten(event.key(), 80) + "', was "
                    + (key == null ? "null" : "'" + FieldError.shorten(key, 80) + "'"));
        }
        return all;
    }

    /** The highest attempt number an EvaluationStarted may carry. */
    public static final int MAX_ATTEMPTS = 1000;

    /** The most rungs an ASHA schedule may have (min_budget * eta^k below max_budget). */
    public static final int MAX_RUNGS = 32;
    /** The most trials one sweep's schedule may name. */
    public static final int MAX_TRIALS = 100_000;

    private void asha(String field, AshaSchedule a) {
        atLeast(field + ".min_budget", a.minBudget(), 1);
        range(field + ".reduction_factor", a.reductionFactor(), 2, 1000);
        atLeast(field + ".max_budget", a.maxBudget(), Math.max(1, a.minBudget()));
        if (a.minBudget() >= 1 && a.reductionFactor() >= 2 && a.rungs().size() > MAX_RUNGS) {
            fail(field + ".max_budget", a.maxBudget(), "at most " + MAX_RUNGS + " rungs above min_budget " + a.minBudget());
        }
        range(field + ".bootstrap", a.bootstrap(), 0, MAX_TRIALS);
        if (a.promotion()) {
            range(field + ".trials", a.trials(), 1, MAX_TRIALS);
        } else {
            range(field + ".trials", a.trials(), 0, MAX_TRIALS);
        }
    }

    private void sweepId(String sweepId) {
        if (!Topics.isSafeRunId(sweepId)) {
            fail("sweep_id", sweepId, "1 to 64 letters, digits, '-' or '_', starting with a letter or digit");
        }
    }

    private void common(Event e) {
        if (!Topics.isSafeRunId(e.runId())) {
            fail("run_id", e.runId(), "1 to 64 letters, digits, '-' or '_', starting with a letter or digit");
        }
        name("event_id", e.eventId());
        required("timestamp", e.timestamp());
    }

    private void datasetPrepared(DatasetPrepared e) {
        if (e.tokenizer() == null || !TOKENIZERS.contains(e.tokenizer())) {
            fail("tokenizer", e.tokenizer(), "one of " + String.join(", ", TOKENIZERS));
        }
        range("vocab_size", e.vocabSize(), 2, MAX_VOCABULARY);
        if (e.vocabulary() == null) {
            fail("vocabulary", null, "a list (empty for byte and gpt2)");
        } else if (e.vocabulary().size() > e.vocabSize() || e.vocabulary().stream().anyMatch(v -> v == null || v.length() > 16)) {
            fail("vocabulary", e.vocabulary().size() + " entries", "at most vocab_size (" + e.vocabSize()
                    + ") non-null symbols of at most 16 characters");
        }
        range("unknown_token_id", e.unknownTokenId(), -1, e.vocabSize() - 1L);
        range("mask_token_id", e.maskTokenId(), -1, e.vocabSize() - 1L);
        atLeast("documents", e.documents(), 0);
        atLeast("corpus_chars", e.corpusChars(), 0);
        atLeast("train_tokens", e.trainTokens(), 1);
        atLeast("held_out_tokens", e.heldOutTokens(), 1);
        atLeast("held_out_records", e.heldOutRecords(), 1);
        atLeast("held_out_windows", e.heldOutWindows(), 1);
        if (e.sourceEntropyNatsPerToken() != null && !(e.sourceEntropyNatsPerToken() >= 0
                && Double.isFinite(e.sourceEntropyNatsPerToken()))) {
            fail("source_entropy_nats_per_token", e.sourceEntropyNatsPerToken(), "a finite number >= 0, or null");
        }
        optionalText("entropy_method", e.entropyMethod());
        atLeast("corpus_bytes", e.corpusBytes(), 0);
        atLeast("invalid_utf8_sequences", e.invalidUtf8Sequences(), 0);
        atLeast("skipped_lines", e.skippedLines(), 0);
        atLeast("held_out_split_tokens", e.heldOutSplitTokens(), 0);
        optionalName("corpus_key", e.corpusKey());
    }

    private void evaluationCompleted(EvaluationCompleted e) {
        atLeast("step", e.step(), 0);
        name("checkpoint_path", e.checkpointPath());
        required("status", e.status());
        if (e.status() == EvaluationStatus.OK) {
            required("held_out_loss", e.heldOutLoss());
            required("perplexity", e.perplexity());
            required("accuracy", e.accuracy());
            required("monitor", e.monitor());
            required("monitored_value", e.monitoredValue());
        } else if (e.status() == EvaluationStatus.ERROR) {
            text("error", e.error());
        }
        if (e.accuracy() != null && !(e.accuracy() >= 0 && e.accuracy() <= 1)) {
            fail("accuracy", e.accuracy(), "in [0, 1]");
        }
        atLeast("held_out_tokens", e.heldOutTokens(), 0);
        optionalText("sample", e.sample());
        notNegative("eval_seconds", e.evalSeconds());
        optionalAtLeast("best_step", e.bestStep(), 0);
        optionalName("best_checkpoint", e.bestCheckpoint());
        atLeast("evaluations_without_improvement", e.evaluationsWithoutImprovement(), 0);
        atLeast("patience_left", e.patienceLeft(), 0);
        optionalName("monitor", e.monitor());
    }

    private void required(String field, Object value) {
        if (value == null) {
            fail(field, null, "present");
        }
    }

    private void name(String field, String value) {
        if (value == null || value.isBlank() || value.length() > MAX_NAME) {
            fail(field, value, "a non-blank string of at most " + MAX_NAME + " characters");
        }
    }

    private void optionalName(String field, String value) {
        if (value != null) {
            name(field, value);
        }
    }

    private void text(String field, String value) {
        if (value == null || value.length() > MAX_TEXT) {
            fail(field, value == null ? null : value.length() + " characters", "a string of at most " + MAX_TEXT + " characters");
        }
    }

    private void optionalText(String field, String value) {
        if (value != null) {
            text(field, value);
        }
    }

    private void atLeast(String field, long value, long min) {
        if (value < min) {
            fail(field, value, ">= " + min);
        }
    }

    private void optionalAtLeast(String field, Long value, long min) {
        if (value != null) {
            atLeast(field, value, min);
        }
    }

    private void range(String field, long value, long min, long max) {
        if (value < min || value > max) {
            fail(field, value, "in [" + min + ", " + max + "]");
        }
    }

    /** NaN passes (a report of what happened); a negative rate or duration does not. */
    private void notNegative(String field, double value) {
        if (value < 0) {
            fail(field, value, ">= 0 (or NaN)");
        }
    }

    private void fail(String field, Object value, String allowed) {
        String shown = value instanceof String s ? "'" + s + "'" : String.valueOf(value);
        violations.add(new FieldError(field, shown, allowed).message());
    }
}
