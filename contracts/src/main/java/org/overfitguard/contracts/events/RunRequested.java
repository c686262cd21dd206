package org.overfitguard.contracts.events;

import java.time.Instant;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * A user asked for a run (POST /runs). Topic runs.
 *
 * @param sweepId the sweep this run belongs to, or null
 * @param variant the sweep variant's name ("all", "no-dropout", ...), or null
 * @param asha    for a trial of an ASHA sweep, the rule the tuner judges it by; else null
 */
public record RunRequested(String runId, String eventId, Instant timestamp, RunSpec spec, String sweepId, String variant,
                           AshaSchedule asha) implements Event {

    public static RunRequested of(String runId, RunSpec spec, String sweepId, String variant) {
        return of(runId, spec, sweepId, variant, null);
    }

    public static RunRequested of(String runId, RunSpec spec, String sweepId, String variant, AshaSchedule asha) {
        return new RunRequested(runId, Event.newId(), Event.now(), spec, sweepId, variant, asha);
    }

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.runRequested(this);
    }
}
