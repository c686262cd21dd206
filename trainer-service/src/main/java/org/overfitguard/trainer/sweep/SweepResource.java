package org.overfitguard.trainer.sweep;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.trainer.api.RunIds;
import org.overfitguard.trainer.api.RunResource;
import org.overfitguard.trainer.api.SpecLimits;
import org.overfitguard.trainer.training.TrainerEvents;

/**
 * Sweeps: one request, several runs. They queue on the trainers (in parallel across replicas), and
 * carry the sweep id and their variant name, so the dashboard's comparison view and the local
 * command's report can line them up.
 */
@Path("/sweeps")
@Produces(MediaType.APPLICATION_JSON)
public class SweepResource {

    @Inject
    SpecLimits limits;
    @Inject
    TrainerEvents events;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
    @RolesAllowed(RunResource.SUBMITTER)
    @Operation(summary = "Submit a sweep", description = "Body: the base run spec (JSON or YAML). Query: preset=ablation "
            + "(all regularizers on, each off in turn, the other weight decay and label smoothing forms, head dropout, none), "
            + "preset=architecture (pre/post/no norm, LayerNorm/RMSNorm, with and without residuals, on at least 6 layers) or grid=path=v1,v2;path2=v3. 202 with the sweep id and "
            + "its runs, or 400 listing every invalid field of every variant.")
    public Response submit(@QueryParam("preset") String preset, @QueryParam("grid") String grid, String body) {
        RunSpec base = limits.validate(body);
        List<SweepPlanner.Variant> variants;
        if ("ablation".equals(preset) && grid == null) {
            variants = SweepPlanner.ablation(base);
        } else if ("architecture".equals(preset) && grid == null) {
            variants = SweepPlanner.architecture(base);
        } else if (preset == null && grid != null) {
            variants = SweepPlanner.grid(base, grid);
        } else {
            throw new InvalidRunSpecException(List.of(new FieldError(preset != null ? "preset" : "grid",
                    preset != null ? preset : String.valueOf(grid), "exactly one of preset=ablation, preset=architecture or grid=path=v1,v2;...")));
        }
        for (SweepPlanner.Variant v : variants) {
            limits.validate(RunSpecs.toJson(v.spec()));
        }
        String sweepId = RunIds.next().replaceFirst("^run-", "sweep-");
        List<Map<String, String>> runs = new ArrayList<>();
        for (SweepPlanner.Variant v : variants) {
            String runId = RunIds.next();
            events.publish(RunRequested.of(runId, v.spec(), sweepId, v.name()));
            Map<String, String> run = new LinkedHashMap<>();
            run.put("run_id", runId);
            run.put("variant", v.name());
            runs.add(run);
        }
        return Response.accepted(Map.of("sweep_id", sweepId, "runs", runs)).build();
    }
}
