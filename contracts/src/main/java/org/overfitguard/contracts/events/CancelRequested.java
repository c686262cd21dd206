package org.overfitguard.contracts.events;

import java.time.Instant;

/** A user cancelled the run (DELETE /runs/{id}). Topic control. */
public record CancelRequested(String runId, String eventId, Instant timestamp, String reason) implements Event {

    public static CancelRequested of(String runId, String reason) {
        return new CancelRequested(runId, Event.newId(), Event.now(), reason);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.cancelRequested(this);
    }
}
