package org.overfitguard.trainer.api;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.overfitguard.contracts.events.CancelRequested;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.trainer.ledger.RunBook;
import org.overfitguard.trainer.ledger.RunRecord;
import org.overfitguard.trainer.training.TrainerEvents;

/**
 * Runs: submit (JSON or YAML), list, inspect, cancel. A submission is validated in full (400 with
 * every bad field) and published as RunRequested; a trainer takes it from the runs topic.
 * GET shows the runs of this replica's partitions (every run, with one replica). Reads are open;
 * writes need a bearer token with the submitter role (401 without one, 403 with another role).
 */
@Path("/runs")
@Produces(MediaType.APPLICATION_JSON)
public class RunResource {

    /**
     * The role a caller's token must carry to submit or cancel (trainer.auth.submit-role). Only JSON
     * and YAML bodies are taken: a web page can send text/plain or a form across origins without
     * asking, but not these.
     */
    public static final String SUBMITTER = "${trainer.auth.submit-role:submitter}";

    @Inject
    TrainerEvents events;
    @Inject
    SpecLimits limits;
    @Inject
    RunBook book;
    @Inject
    RunViews views;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
    @RolesAllowed(SUBMITTER)
    @Operation(summary = "Submit a run", description = "Body: a run spec in JSON or YAML; missing fields take defaults, "
            + "an empty body is the default run. 202 with the run id, or 400 listing every invalid field.")
    @RequestBody(description = "run spec (JSON or YAML)")
    public Response submit(String body) {
        RunSpec spec = limits.validate(body);
        String runId = RunIds.next();
        events.publish(RunRequested.of(runId, spec, null, null));
        return Response.accepted(Map.of("run_id", runId, "status", "/runs/" + runId))
                .location(URI.create("/runs/" + runId)).build();
    }

    @GET
    @Operation(summary = "List the runs of this trainer's partitions, oldest first")
    public List<RunView> list() {
        return book.all().stream().map(views::of).toList();
    }

    @GET
    @Path("{id}")
    @Operation(summary = "A run's status, step and last losses")
    public RunView get(@PathParam("id") String id) {
        return views.of(find(id));
    }

    @DELETE
    @Path("{id}")
    @RolesAllowed(SUBMITTER)
    @Operation(summary = "Cancel a run: it stops within one step (or never starts)")
    public Response cancel(@PathParam("id") String id) {
        RunRecord run = find(id);
        if (run.finished()) {
            return Response.status(Response.Status.CONFLICT)
                    .entity(Map.of("error", "run " + id + " already ended: " + run.status().name().toLowerCase())).build();
        }
        events.publish(CancelRequested.of(id, "cancelled through DELETE /runs/" + id));
        return Response.accepted(Map.of("run_id", id, "status", "/runs/" + id)).build();
    }

    private RunRecord find(String id) {
        return book.requested(id).orElseThrow(() -> new NotFoundException("no run " + id + " on this trainer"));
    }
}
