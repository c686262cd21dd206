package org.overfitguard.monitor.api;

import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;

/** Server-sent events for live dashboards: one JSON message per changed run. */
@Path("/api/stream")
public class RunStreamResource {

    @Inject
    RunChanges changes;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: {\"run_id\", \"state\", \"step\"} whenever a run's history changes")
    public Multi<RunChanged> stream() {
        return changes.stream();
    }
}
