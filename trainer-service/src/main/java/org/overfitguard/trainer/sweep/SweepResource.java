package org.overfitguard.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.overfitguard.contracts.events.AshaSchedule;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.trainer.TrainerConfig;
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
    @Inject
    TrainerConfig config;

    @POST
    @Consumes({MediaType.APPLICATION_JSON, "application/yaml", "application/x-yaml", "text/yaml"})
    @RolesAllowed(RunResource.SUBMITTER)
    @Operation(summary = "Submit a sweep", description = "Body: the base run spec (JSON or YAML). Query: preset=ablation "
            + "(all regularizers on, each off in turn, the other weight decay and label smoothing forms, head dropout, none), "
            + "preset=architecture (pre/post/no norm, LayerNorm/RMSNorm, with and without residuals, on at least 6 layers) or grid=path=v1,v2;path2=v3. 202 with the sweep id and "
            + "its runs, or 400 listing every invalid field of every variant. A body with a space is a tuning sweep instead: "
            + "{base, space: {path: {values|uniform|log_uniform|int}}, trials, seed, scheduler: {kind: grid|random|asha, "
            + "min_budget, reduction_factor, max_budget}} (see README, Tuning).")
    public Response submit(@QueryParam("preset") String preset, @QueryParam("grid") String grid, String body) {
        JsonNode tree = tree(body);
        if (TuningPlanner.isTuning(tree)) {
            if (preset != null || grid != null) {
                throw new InvalidRunSpecException(List.of(new FieldError(preset != null ? "preset" : "grid",
                        preset != null ? preset : grid, "absent with a tuning body (one with a space): the space says what varies")));
            }
            return tune(tree);
        }
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
        return Response.accepted(publish(variants, null, new LinkedHashMap<>())).build();
    }

    /** A tuning sweep: trials drawn from a search space, run to completion (grid, random) or pruned by the tuner (asha). */
    private Response tune(JsonNode body) {
        TuningPlanner.Plan plan = TuningPlanner.plan(body, config.limits().maxTrials(), config.limits().maxSweepSteps());
        List<FieldError> errors = new ArrayList<>();
        for (SweepPlanner.Variant v : plan.trials()) {
            try {
                limits.validate(RunSpecs.toJson(v.spec()));
            } catch (InvalidRunSpecException e) {
                e.errors().forEach(f -> errors.add(new FieldError(f.field() + " (trial " + v.name().split(" ")[0] + ")", f.value(), f.allowed())));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunSpecException(errors.stream().limit(40).toList());
        }
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("scheduler", plan.kind().name().toLowerCase(Locale.ROOT));
        if (plan.asha() != null) {
            response.put("rungs", plan.asha().rungs());
        }
        response.put("worst_case_steps", plan.worstCaseSteps());
        return Response.accepted(publish(plan.trials(), plan.asha(), response)).build();
    }

    private Map<String, Object> publish(List<SweepPlanner.Variant> variants, AshaSchedule asha, Map<String, Object> response) {
        String sweepId = RunIds.next().replaceFirst("^run-", "sweep-");
        List<Map<String, String>> runs = new ArrayList<>();
        for (SweepPlanner.Variant v : variants) {
            String runId = RunIds.next();
            events.publish(RunRequested.of(runId, v.spec(), sweepId, v.name(), asha));
            Map<String, String> run = new LinkedHashMap<>();
            run.put("run_id", runId);
            run.put("variant", v.name());
            runs.add(run);
        }
        Map<String, Object> all = new LinkedHashMap<>();
        all.put("sweep_id", sweepId);
        all.putAll(response);
        all.put("runs", runs);
        return all;
    }

    /** The body as a tree, or null when it is not one JSON or YAML document (then the spec check says why). */
    private static JsonNode tree(String body) {
        String trimmed = body == null ? "" : body.strip();
        if (trimmed.isEmpty()) {
            return null;
        }
        try {
            return trimmed.startsWith("{") ? Json.mapper().readTree(trimmed) : Json.yaml().readTree(trimmed);
        } catch (Exception unparseable) {
            return null;
        }
    }
}
