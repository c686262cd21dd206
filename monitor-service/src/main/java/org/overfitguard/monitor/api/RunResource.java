package org.overfitguard.monitor.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.overfitguard.monitor.history.RunDetail;
import org.overfitguard.monitor.history.RunHistory;
import org.overfitguard.monitor.history.RunSummary;
import org.overfitguard.monitor.history.RunsView;

/** Read-only runs API behind the dashboard: every run the monitor has seen on any topic. */
@Path("/api/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    @Inject
    RunsView runs;

    @GET
    @Operation(summary = "Every run seen, the most recently updated first")
    public List<RunSummary> list() {
        return runs.summaries();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A run's summary, spec, dataset and full history: step points, evaluations, stop, completion")
    public RunDetail get(@PathParam("id") String id) {
        return runs.find(id).map(RunHistory::detail).orElseThrow(() -> new WebApplicationException(
                Response.status(Response.Status.NOT_FOUND).type(MediaType.APPLICATION_JSON)
                        .entity(Map.of("error", "no run '" + id + "' seen by monitor-service")).build()));
    }
}
