package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.RecordComponent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.AshaMode;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.EventContract;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.json.PoisonRecordException;

class EventContractTest {

    /** Fields that may be absent: what the events' Javadoc says is "or null". */
    private static final Map<String, Set<String>> NULLABLE = Map.of(
            "RunRequested", Set.of("sweep_id", "variant", "asha"),
            "RunReleased", Set.of("paused_at_rung"),
            "DatasetPrepared", Set.of("source_entropy_nats_per_token", "entropy_method", "corpus_key"),
            "RunCompleted", Set.of("best_step", "best_held_out_loss", "final_model_path", "final_checkpoint"),
            "EvaluationCompleted", Set.of("error", "train_loss", "gap", "sample", "best_value", "best_step",
                    "best_checkpoint", "stop_reason"),
            "StopRequested", Set.of("best_step", "best_value", "best_checkpoint", "detail"),
            "TrialEvaluated", Set.of("best_step", "best_value", "best_checkpoint"));

    @Test
    void everySampleIsValidOnItsTopicUnderItsKey() {
        for (Event e : SampleEvents.all()) {
            assertEquals(List.of(), EventContract.violations(e, Topics.forEvent(e), e.key()), e.type());
        }
    }

    @Test
    void theIncompleteRunRequestedThatHaltedTrainingIsPoison() {
        PoisonRecordException e = assertThrows(PoisonRecordException.class, () -> new EventDeserializer()
                .deserialize(Topics.RUNS, "x", "{\"type\":\"RunRequested\",\"run_id\":\"x\"}".getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("event_id must be"), e.getMessage());
        assertTrue(e.getMessage().contains("timestamp must be present"), e.getMessage());
        assertTrue(e.getMessage().contains("spec must be present"), e.getMessage());
    }

    /** Every required reference field, set to null, is named in a violation; every nullable one is accepted. */
    @Test
    void everyRequiredFieldIsRequired() throws Exception {
        for (Event sample : SampleEvents.all()) {
            RecordComponent[] components = sample.getClass().getRecordComponents();
            for (int i = 0; i < components.length; i++) {
                if (components[i].getType().isPrimitive()) {
                    continue;
                }
                String field = components[i].getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase();
                Event mutated = withNull(sample, components, i);
                List<String> violations = EventContract.violations(mutated);
                boolean nullable = NULLABLE.getOrDefault(sample.type(), Set.of()).contains(field)
                        && !(sample instanceof RunRequested r && r.asha() != null && field.equals("sweep_id")); // a trial has a sweep
                if (nullable) {
                    assertEquals(List.of(), violations, sample.type() + "." + field + " may be null");
                } else {
                    assertTrue(violations.stream().anyMatch(v -> v.startsWith(field + " must be")),
                            sample.type() + "." + field + " is required; violations: " + violations);
                }
            }
        }
    }

    @Test
    void unsafeRunIdsWrongTopicsAndForeignKeysAreViolations() {
        RunRequested r = (RunRequested) SampleEvents.all().get(0);
        RunRequested unsafe = new RunRequested("../../etc", r.eventId(), r.timestamp(), r.spec(), null, null, null);
        assertTrue(EventContract.violations(unsafe).get(0).startsWith("run_id must be"));
        assertTrue(EventContract.violations(r, Topics.CONTROL).get(0).contains("belongs on topic runs, not control"));
        assertTrue(EventContract.violations(r, Topics.RUNS, "r2").get(0).contains("key must be the run id 'r1', was 'r2'"));
        assertEquals(List.of(), EventContract.violations(r, Topics.batches("r1"), "r1"), "per-run topics carry no events");
    }

    @Test
    void outOfRangeNumbersAreViolations() {
        String json = Json.write(SampleEvents.all().get(6)).replace("\"step\":100", "\"step\":-5");
        PoisonRecordException e = assertThrows(PoisonRecordException.class,
                () -> new EventDeserializer().deserialize(Topics.CHECKPOINTS, json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("step must be >= 0, was -5"), e.getMessage());
    }

    @Test
    void anAshaScheduleNeedsAFewRungsAboveAPositiveBudget() {
        RunRequested r = (RunRequested) SampleEvents.all().stream().filter(e -> e instanceof RunRequested q && q.asha() != null)
                .findFirst().orElseThrow();
        assertEquals(List.of(50L, 150L, 450L), r.asha().rungs());
        Map<AshaSchedule, String> bad = Map.of(new AshaSchedule(0, 3, 100), "asha.min_budget must be >= 1, was 0",
                new AshaSchedule(10, 1, 100), "asha.reduction_factor must be in [2, 1000], was 1",
                new AshaSchedule(10, 3, 5), "asha.max_budget must be >= 10, was 5",
                new AshaSchedule(1, 2, Long.MAX_VALUE), "asha.max_budget must be at most 32 rungs above min_budget 1",
                new AshaSchedule(90, 3, 810, AshaMode.PROMOTION, 0), "asha.trials must be in [1, 100000], was 0");
        bad.forEach((schedule, message) -> {
            List<String> v = EventContract.violations(RunRequested.of("r3", r.spec(), "sweep-3", "t", schedule));
            assertTrue(v.stream().anyMatch(x -> x.startsWith(message)), schedule + ": " + v);
        });
    }

    @Test
    void hostileBytesArePoisonNeverAnotherException() {
        EventDeserializer d = new EventDeserializer();
        for (String bad : List.of("null", "{\"type\":\"CancelRequested\",\"run_id\":\"r\",\"run_id\":\"s\"}",
                "{\"type\":\"CancelRequested\"} trailing", "[".repeat(5000), "{\"type\":\"StepMetrics\",\"step\":" + "9".repeat(500) + "}",
                "{\"type\":\"StepMetrics\",\"step\":\"NaN\"}", "\u0000\u0001", "{\"type\":null}")) {
            assertThrows(PoisonRecordException.class, () -> d.deserialize(Topics.RUNS, bad.getBytes(StandardCharsets.UTF_8)),
                    bad.length() > 60 ? bad.substring(0, 60) : bad);
        }
    }

    private static Event withNull(Event sample, RecordComponent[] components, int nulled) throws Exception {
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            types[i] = components[i].getType();
            values[i] = i == nulled ? null : components[i].getAccessor().invoke(sample);
        }
        return (Event) sample.getClass().getDeclaredConstructor(types).newInstance(values);
    }
}
