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
        java.util.Map<String, String> expected = java.util.Map.of("RunRequested", "runs", "RunStarted", "runs",
                "DatasetPrepared", "runs", "RunCompleted", "runs", "RunFailed", "runs", "StepMetrics", "train-metrics",
                "CheckpointSaved", "checkpoints", "EvaluationCompleted", "evaluations", "StopRequested", "control",
                "CancelRequested", "control");
        for (var e : SampleEvents.all()) {
            assertEquals(expected.get(e.type()), Topics.forEvent(e), e.type());
        }
    }
}
