package org.overfitguard.contracts;

import java.time.Instant;
import java.util.List;
import org.overfitguard.contracts.events.CancelRequested;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.spec.RunSpec;

/** One filled-in instance of every event type, with non-default values in every field. */
final class SampleEvents {

    static final Instant T = Instant.parse("2026-11-28T10:15:30.123Z");
    static final String SHA = "ab12".repeat(16);

    static List<Event> all() {
        RunSpec spec = RunSpec.defaults().withName("sample");
        return List.of(
                new RunRequested("r1", "e1", T, spec, "sweep-1", "no-dropout"),
                new RunStarted("r1", "e2", T, spec, "trainer-a", "cpu()", 200),
                new DatasetPrepared("r1", "e3", T, "char", 30, List.of("<unk>", "<mask>", "a", "b"), 0, 1, 1, 25_000,
                        20_000, 5_000, 3, 70, 1.23, "exact grammar entropy / mean tokens per sentence"),
                new RunCompleted("r1", "e4", T, CompletionReason.PATIENCE_EXHAUSTED, 900, 600L, 1.41,
                        "/ckpt/r1/final", "/ckpt/r1/step-000600"),
                new RunFailed("r1", "e5", T, "data-service", "corpus not found"),
                new StepMetrics("r1", "e6", T, 120, 1.9, 1.8, 1e-3, 0.7, 12_000, 0.05, 245_760),
                new CheckpointSaved("r1", "e7", T, 100, "/ckpt/r1/step-000100", SHA, 1.95, 4096),
                new EvaluationCompleted("r1", "e8", T, 100, "/ckpt/r1/step-000100", EvaluationStatus.OK, null, 2.1,
                        8.17, 0.41, 1.95, 0.15, 5_000, "the cat", 0.8, "heldout_loss", 2.1, 2.0, 50L,
                        "/ckpt/r1/step-000050", 1, 2, StopReason.PATIENCE_EXHAUSTED),
                new StopRequested("r1", "e9", T, StopReason.DIVERGENCE, "heldout_loss", 300, 200L, 1.5,
                        "/ckpt/r1/step-000200", "held-out loss 9.1 is worse than divergence_threshold 5.0"),
                new CancelRequested("r1", "e10", T, "user request"),
                new RunReleased("r1", "e11", T, "trainer-a", 230, "partition revoked"));
    }

    private SampleEvents() {
    }
}
