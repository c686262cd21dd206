package org.overfitguard.contracts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.contracts.json.EventSerializer;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.json.PoisonRecordException;

class EventJsonTest {

    @Test
    void everyEventTypeHasASample() {
        Set<Class<?>> sampled = SampleEvents.all().stream().map(Object::getClass).collect(Collectors.toSet());
        assertEquals(Set.of(Event.class.getPermittedSubclasses()), sampled);
    }

    @Test
    void everyEventSurvivesAJsonRoundTrip() {
        EventSerializer serializer = new EventSerializer();
        EventDeserializer deserializer = new EventDeserializer();
        for (Event event : SampleEvents.all()) {
            byte[] bytes = serializer.serialize("t", event);
            assertEquals(event, deserializer.deserialize("t", bytes), new String(bytes, StandardCharsets.UTF_8));
        }
    }

    @Test
    void wireFormatIsSnakeCaseWithATypeAndLowercaseEnums() {
        String json = Json.write(SampleEvents.all().get(6));
        assertTrue(json.startsWith("{\"type\":\"CheckpointSaved\",\"run_id\":\"r1\""), json);
        assertTrue(json.contains("\"manifest_sha256\":\"" + SampleEvents.SHA + "\""), json);
        assertTrue(json.contains("\"timestamp\":\"2026-11-28T10:15:30.123Z\""), json);
        assertTrue(Json.write(SampleEvents.all().get(8)).contains("\"reason\":\"divergence\""));
    }

    @Test
    void readersIgnoreFieldsAddedLater() {
        String json = Json.write(SampleEvents.all().get(9)).replace("{\"type\"", "{\"added_in_v2\":42,\"type\"");
        assertEquals(SampleEvents.all().get(9), new EventDeserializer().deserialize("control", json.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void poisonRecordsFailWithAReason() {
        EventDeserializer d = new EventDeserializer();
        for (String bad : new String[] {"not json", "{\"type\":\"NoSuchEvent\",\"run_id\":\"r\"}", "{\"run_id\":\"r\"}",
                "{\"type\":\"CancelRequested\"}", "[1,2]"}) {
            PoisonRecordException e = assertThrows(PoisonRecordException.class,
                    () -> d.deserialize("control", bad.getBytes(StandardCharsets.UTF_8)), bad);
            assertTrue(e.getMessage().startsWith("not a valid event on control") || e.getMessage().contains("run_id must be"),
                    e.getMessage());
        }
    }

    @Test
    void anEmbeddedRunSpecIsValidatedToo() {
        String json = Json.write(SampleEvents.all().get(0)).replace("\"layers\":2", "\"layers\":0");
        PoisonRecordException e = assertThrows(PoisonRecordException.class,
                () -> new EventDeserializer().deserialize("runs", json.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().contains("model.layers must be in [1, 48], was 0"), e.getMessage());
    }

    @Test
    void eventTypeNamesAreTheRecordNames() {
        for (Event e : SampleEvents.all()) {
            assertEquals(e.getClass().getSimpleName(), e.type());
        }
        assertEquals(16, Arrays.stream(Event.class.getPermittedSubclasses()).count());
    }
}
