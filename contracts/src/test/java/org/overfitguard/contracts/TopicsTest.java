package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void perRunTopicNamesRoundTrip() {
        assertEquals("batches.run-1_a", Topics.batches("run-1_a"));
        assertEquals("heldout.R2", Topics.heldOut("R2"));
        assertEquals("run-1_a", Topics.runIdOf("batches.run-1_a"));
        assertNull(Topics.runIdOf("runs"));
    }

    @Test
    void unsafeRunIdsAreRejected() {
        for (String bad : new String[] {null, "", "../x", "a.b", "a b", "-lead", "ü", "x".repeat(65), "a/b"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Topics.batches(bad), bad);
            assertEquals(true, e.getMessage().startsWith("run id must match"));
        }
    }

    @Test
    void eachEventTypeHasItsTopic() {
        java.util.Map<String, String> expected = java.util.Map.ofEntries(java.util.Map.entry("RunRequested", "runs"),
                java.util.Map.entry("RunStarted", "runs"), java.util.Map.entry("DatasetPrepared", "runs"),
                java.util.Map.entry("RunCompleted", "runs"), java.util.Map.entry("RunFailed", "runs"),
                java.util.Map.entry("RunReleased", "runs"), java.util.Map.entry("StepMetrics", "train-metrics"),
                java.util.Map.entry("CheckpointSaved", "checkpoints"), java.util.Map.entry("EvaluationCompleted", "evaluations"),
                java.util.Map.entry("EvaluationStarted", "evaluations"),
                java.util.Map.entry("StopRequested", "control"), java.util.Map.entry("CancelRequested", "control"),
                java.util.Map.entry("TrialEvaluated", "tuning"), java.util.Map.entry("TrialJudged", "tuning"),
                java.util.Map.entry("TrialPromoted", "control"), java.util.Map.entry("TrialEnded", "tuning"));
        for (var e : SampleEvents.all()) {
            assertEquals(expected.get(e.type()), Topics.forEvent(e), e.type());
        }
    }
}
