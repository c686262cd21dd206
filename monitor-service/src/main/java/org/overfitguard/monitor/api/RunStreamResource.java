package org.overfitguard.monitor.api;

import io.smallrye.mutiny.Multi;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.jboss.resteasy.reactive.RestStreamElementType;
import org.overfitguard.monitor.MonitorConfig;

/** Server-sent events for live dashboards: one JSON message per changed run; at most monitor.max-stream-clients at once. */
@Path("/api/stream")
public class RunStreamResource {

    @Inject
    RunChanges changes;
    @Inject
    MonitorConfig config;

    @GET
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RestStreamElementType(MediaType.APPLICATION_JSON)
    @Operation(summary = "Server-sent events: {\"run_id\", \"state\", \"step\"} whenever a run's history changes")
    public Multi<RunChanged> stream() {
        if (!changes.tryOpen(config.maxStreamClients())) { // each stream holds a connection: their number is bounded
            throw new WebApplicationException(Response.status(Response.Status.SERVICE_UNAVAILABLE)
                    .header("Retry-After", "10").type(MediaType.APPLICATION_JSON)
                    .entity(Map.of("error", "already " + config.maxStreamClients() + " live dashboards (monitor.max-stream-clients); "
                            + "poll GET /api/runs instead")).build());
        }
        return changes.stream().onTermination().invoke(changes::closed);
    }
}
