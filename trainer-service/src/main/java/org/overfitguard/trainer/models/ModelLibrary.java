package org.overfitguard.trainer.models;

import ai.djl.Device;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import org.overfitguard.lm.checkpoint.CheckpointException;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.checkpoint.LoadedCheckpoint;
import org.overfitguard.lm.export.ModelCard;
import org.overfitguard.lm.export.ModelExport;
import org.overfitguard.trainer.TrainerConfig;
import org.overfitguard.trainer.ledger.RunBook;
import org.overfitguard.trainer.ledger.RunRecord;
import org.overfitguard.trainer.training.TrainerResources;

/**
 * The weights of finished runs, for export and generation: finds the run's final model or a kept
 * checkpoint, loads it on the CPU (the device stays the training's), and bounds how many are loaded
 * at once (trainer.models.concurrent) so requests cannot take the memory training needs.
 * <pre>
 * &lt;checkpoint-root&gt;/&lt;run&gt;/final                  the final model (a checkpoint)
 * &lt;checkpoint-root&gt;/&lt;run&gt;/step-NNNNNNNNN          kept checkpoints
 * &lt;checkpoint-root&gt;/&lt;run&gt;/export/final/...      exports (ModelExport's layout), never pruned
 * &lt;checkpoint-root&gt;/&lt;run&gt;/export/step-NNNNNNNNN/...
 * </pre>
 */
@ApplicationScoped
public class ModelLibrary {

    @Inject
    RunBook book;
    @Inject
    TrainerResources resources;
    @Inject
    TrainerConfig config;

    private Semaphore slots;

    @PostConstruct
    void init() {
        slots = new Semaphore(config.models().concurrent());
    }

    /** The final model (step null) or the checkpoint at {@code step} of a run: its directory's name. */
    public static String name(Long step) {
        return step == null ? CheckpointStore.FINAL : String.format("step-%09d", step);
    }

    /** A run this trainer knows, or NOT_FOUND. */
    public RunRecord run(String runId) {
        return book.requested(runId).orElseThrow(() ->
                new ModelUnavailableException(ModelUnavailableException.Kind.NOT_FOUND, "no run " + runId + " on this trainer"));
    }

    /** The checkpoint directory of those weights, or why there is none. */
    public Path checkpoint(RunRecord run, Long step) {
        CheckpointStore store = resources.store();
        if (step == null) {
            if (run.completed() == null || run.completed().finalModelPath() == null) {
                throw new ModelUnavailableException(ModelUnavailableException.Kind.NOT_READY, "run " + run.runId() + " has no final model"
                        + (run.finished() ? " (it " + run.status().name().toLowerCase() + ")" : " yet (it is " + run.status().name().toLowerCase()
                        + "); ask for a kept checkpoint with ?step=N"));
            }
            return store.runDir(run.runId()).resolve(CheckpointStore.FINAL);
        }
        Path dir = store.stepDir(run.runId(), step);
        if (!Files.isDirectory(dir)) {
            List<Long> kept;
            try {
                kept = store.steps(run.runId()).stream().sorted().toList();
            } catch (IOException e) {
                kept = List.of();
            }
            throw new ModelUnavailableException(ModelUnavailableException.Kind.NOT_FOUND,
                    "run " + run.runId() + " has no checkpoint at step " + step + "; kept: " + kept);
        }
        return dir;
    }

    /** Where a run's exports live, one directory per exported model (final, step-NNNNNNNNN). */
    public Path exportRoot(String runId) {
        return resources.store().runDir(runId).resolve("export");
    }

    /** Where the export of those weights lives (whether or not it was written yet). */
    public Path exportDir(String runId, Long step) {
        return exportRoot(runId).resolve(name(step));
    }

    /** Exports those weights with their model card, or finds the export already there. */
    public List<ModelCard.FileEntry> export(RunRecord run, Long step) {
        ModelExport.unsupported(run.requested().spec().model()).ifPresent(reason -> {
            throw new ModelUnavailableException(ModelUnavailableException.Kind.NOT_EXPORTABLE, "run " + run.runId()
                    + " cannot be exported: " + reason + "; POST /runs/" + run.runId() + "/generate still serves it");
        });
        Path target = exportDir(run.runId(), step);
        if (Files.isRegularFile(target.resolve(ModelExport.CARD))) {
            return files(target);
        }
        try (Loaded loaded = load(run, step)) {
            var meta = loaded.checkpoint().meta();
            ModelCard card = new ModelCard(run.runId(), meta.spec(), meta.dataset(), meta.step(), step == null,
                    run.started() == null ? null : run.started().device(), trainingTime(run), run.completed() == null ? null
                    : run.completed().reason(), run.stop(), run.scoresAt(meta.step()), loaded.checkpoint().checkpoint().manifestSha256());
            return ModelExport.write(loaded.checkpoint().model(), meta.dataset(), card, target);
        } catch (IOException e) {
            throw new IllegalStateException("export of " + run.runId() + "/" + name(step) + " failed: " + e.getMessage(), e);
        }
    }

    public List<ModelCard.FileEntry> files(Path exportDir) {
        try {
            return ModelExport.files(exportDir);
        } catch (IOException e) {
            throw new IllegalStateException("cannot list " + exportDir + ": " + e.getMessage(), e);
        }
    }

    /** Loads those weights on the CPU, holding a model slot until closed; BUSY when every slot is taken. */
    public Loaded load(RunRecord run, Long step) {
        Path dir = checkpoint(run, step);
        Semaphore s = slots;
        if (!s.tryAcquire()) {
            throw new ModelUnavailableException(ModelUnavailableException.Kind.BUSY, "all " + config.models().concurrent()
                    + " model slots are in use (trainer.models.concurrent); try again shortly");
        }
        try {
            return new Loaded(CheckpointStore.loadModel(dir, Device.cpu()), s);
        } catch (CheckpointException | RuntimeException e) {
            s.release();
            throw new IllegalStateException("the weights of " + run.runId() + "/" + name(step) + " do not load: " + e.getMessage(), e);
        }
    }

    private static Duration trainingTime(RunRecord run) {
        return run.firstStarted() == null || run.completed() == null ? null
                : Duration.between(run.firstStarted(), run.completed().timestamp());
    }

    /** A loaded checkpoint and the slot it holds; closing frees both. */
    public static final class Loaded implements AutoCloseable {
        private final LoadedCheckpoint checkpoint;
        private final Semaphore slot;
        private boolean closed;

        Loaded(LoadedCheckpoint checkpoint, Semaphore slot) {
            this.checkpoint = checkpoint;
            this.slot = slot;
        }

        public LoadedCheckpoint checkpoint() {
            return checkpoint;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                checkpoint.close();
                slot.release();
            }
        }
    }
}
