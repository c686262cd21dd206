package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * A service could not carry the run on. Topic runs.
 *
 * @param service which service failed it (data-service, trainer-service)
 * @param reason  what was wrong, in words a user can act on
 */
public record RunFailed(String runId, String eventId, Instant timestamp, String service, String reason) implements Event {

    public static RunFailed of(String runId, String service, String reason) {
        return new RunFailed(runId, Event.newId(), Event.now(), service, reason);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.runFailed(this);
    }
}
