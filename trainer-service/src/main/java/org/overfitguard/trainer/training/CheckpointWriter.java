package org.overfitguard.trainer.training;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.checkpoint.Checkpoint;
import org.overfitguard.lm.checkpoint.CheckpointMeta;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.model.Seeds;
import org.overfitguard.lm.train.TrainingSession;
import org.overfitguard.trainer.TrainerConfig;
import org.overfitguard.trainer.ledger.RunBook;
import org.overfitguard.trainer.ledger.RunRecord;

/**
 * Writes a run's checkpoints: the session's state with its metadata, then CheckpointSaved (so the
 * evaluator evaluates it), then the checkpoints nobody needs any more are deleted (see
 * CheckpointRetention: the newest, the best and the unevaluated stay).
 */
@ApplicationScoped
public class CheckpointWriter {

    private static final Logger LOG = Logger.getLogger(CheckpointWriter.class);

    @Inject
    TrainerResources resources;
    @Inject
    TrainerEvents events;
    @Inject
    RunBook book;
    @Inject
    TrainerConfig config;

    /** The session's state at its current step; {@code nextOffset} is the batch topic offset to resume from. */
    Checkpoint write(String runId, RunSpec spec, TrainingSession session, DatasetPrepared dataset, long nextOffset,
                     double trainLoss) throws IOException {
        CheckpointMeta meta = new CheckpointMeta(CheckpointMeta.FORMAT, runId, session.step(), nextOffset, session.runSeed(),
                Seeds.SCHEDULE, session.optimizer().step(), trainLoss, session.model().config(), spec, dataset, Event.now());
        Checkpoint c = store().write(runId, session, meta);
        events.publish(new CheckpointSaved(runId, Event.newId(), Event.now(), c.step(), c.dir().toString(),
                c.manifestSha256(), trainLoss, c.sizeBytes()));
        prune(runId);
        return c;
    }

    /** The current state as a checkpoint: the last one written if it is current, else a new one. */
    Path current(String runId, RunSpec spec, TrainingSession session, DatasetPrepared dataset, Checkpoint lastCheckpoint,
                 long nextOffset) throws IOException {
        if (lastCheckpoint != null && lastCheckpoint.step() == session.step()) {
            return lastCheckpoint.dir();
        }
        Optional<Path> onDisk = store().latestValid(runId);
        if (onDisk.isPresent() && onDisk.get().equals(store().stepDir(runId, session.step()))) {
            return onDisk.get();
        }
        return write(runId, spec, session, dataset, nextOffset, Double.NaN).dir();
    }

    private void prune(String runId) {
        RunRecord r = book.snapshot(runId).orElse(null);
        if (r == null) {
            return;
        }
        Long best = r.stop() != null ? r.stop().bestStep() : r.lastEvaluation() == null ? null : r.lastEvaluation().bestStep();
        try {
            List<Long> gone = store().prune(runId, config.keepLastCheckpoints(), best, r.lastEvaluatedStep());
            if (!gone.isEmpty()) {
                LOG.debugf("run %s: deleted the checkpoints of steps %s", runId, gone);
            }
        } catch (IOException e) {
            LOG.warnf("run %s: could not delete old checkpoints: %s", runId, e.getMessage());
        }
    }

    private CheckpointStore store() {
        return resources.store();
    }
}
