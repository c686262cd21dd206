package org.overfitguard.trainer.api;

import io.smallrye.mutiny.Multi;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.lm.export.ModelCard;
import org.overfitguard.lm.export.ModelExport;
import org.overfitguard.trainer.TrainerConfig;
import org.overfitguard.trainer.ledger.RunRecord;
import org.overfitguard.trainer.models.Generator;
import org.overfitguard.trainer.models.ModelLibrary;

/**
 * A run's trained model leaving the system: export to safetensors + config.json + model card
 * (ModelExport), the exported files, and text generation streamed as it is sampled.
 * Writes and generation need the submitter role; reading exported files is open, like GET /runs.
 */
@Path("/runs/{id}")
public class ModelResource {

    static final Map<String, String> TYPES = Map.of(ModelExport.WEIGHTS, MediaType.APPLICATION_OCTET_STREAM,
            ModelExport.CONFIG, MediaType.APPLICATION_JSON, ModelExport.VOCAB, MediaType.APPLICATION_JSON,
            ModelExport.TOKENIZER, MediaType.APPLICATION_JSON, ModelExport.CARD, "text/markdown; charset=utf-8");

    /** One exported file, with where to fetch it. */
    public record ExportedFile(String name, long bytes, String sha256, String url) {
    }

    /** One export: the final model or a checkpoint's. */
    public record Export(String runId, String model, List<ExportedFile> files) {
    }

    @Inject
    ModelLibrary library;
    @Inject
    Generator generator;
    @Inject
    TrainerConfig config;

    @POST
    @Path("export")
    @RolesAllowed(RunResource.SUBMITTER)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "Export the final model (or ?step=N, a kept checkpoint) as model.safetensors, config.json, the tokenizer "
            + "and a model card; an export already there is returned as it is")
    public Export export(@PathParam("id") String id, @QueryParam("step") String step) {
        RunRecord run = library.run(id);
        Long s = step(step);
        return describe(id, ModelLibrary.name(s), library.export(run, s));
    }

    @GET
    @Path("export")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(summary = "The exports of a run written so far")
    public List<Export> exports(@PathParam("id") String id) {
        library.run(id);
        java.nio.file.Path root = library.exportRoot(id);
        List<Export> out = new ArrayList<>();
        if (Files.isDirectory(root)) {
            try (var dirs = Files.list(root)) {
                for (java.nio.file.Path d : dirs.filter(d -> Files.isRegularFile(d.resolve(ModelExport.CARD))).sorted().toList()) {
                    out.add(describe(id, d.getFileName().toString(), library.files(d)));
                }
            } catch (java.io.IOException e) {
                throw new IllegalStateException("cannot list " + root + ": " + e.getMessage(), e);
            }
        }
        return out;
    }

    @GET
    @Path("export/{model}/{file}")
    @Operation(summary = "One exported file: model.safetensors, config.json, vocab.json, tokenizer_config.json or README.md; "
            + "the final model's export is written on its first download (it is a function of the run's final checkpoint)")
    public Response file(@PathParam("id") String id, @PathParam("model") String model, @PathParam("file") String file) {
        RunRecord run = library.run(id);
        if (!(model.equals("final") || model.matches("step-\\d{9}")) || !TYPES.containsKey(file)) {
            throw new NotFoundException("no exported file " + model + "/" + file + "; models are final or step-NNNNNNNNN, files "
                    + TYPES.keySet().stream().sorted().toList());
        }
        java.nio.file.Path dir = library.exportRoot(id).resolve(model);
        if (model.equals("final") && !Files.isRegularFile(dir.resolve(ModelExport.CARD))) {
            library.export(run, null);
        }
        java.nio.file.Path f = dir.resolve(file);
        if (!Files.isRegularFile(dir.resolve(ModelExport.CARD)) || !Files.isRegularFile(f)) {
            throw new NotFoundException("run " + id + " has no export " + model + "/" + file + " (POST /runs/" + id + "/export writes it)");
        }
        return Response.ok(f.toFile(), TYPES.get(file)).header("Content-Disposition", "inline; filename=\"" + file + "\"").build();
    }

    @POST
    @Path("generate")
    @RolesAllowed(RunResource.SUBMITTER)
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.TEXT_PLAIN)
    @Operation(summary = "Continue a prompt with the final model (or \"step\": a kept checkpoint), streamed as it is sampled",
            description = "Body: {prompt, max_tokens, temperature (0: greedy), top_k (0: all), seed, step}; all optional. "
                    + "The same weights, prompt, settings and seed give the same text.")
    public Multi<String> generate(@PathParam("id") String id, String body) {
        Generator.Request request = GenerateRequests.parse(body, config.models());
        return generator.generate(library.run(id), request);
    }

    private static Long step(String step) {
        if (step == null || step.isEmpty()) {
            return null;
        }
        if (!step.matches("\\d{1,18}")) {
            throw SpecProblems.badRequest("export request", List.of(
                    new FieldError("step", step, "a checkpoint's step, a non-negative integer (or none: the final model)")));
        }
        return Long.parseLong(step);
    }

    private static Export describe(String id, String model, List<ModelCard.FileEntry> files) {
        return new Export(id, model, files.stream().map(f -> new ExportedFile(f.name(), f.bytes(), f.sha256(),
                "/runs/" + id + "/export/" + model + "/" + f.name())).toList());
    }
}
