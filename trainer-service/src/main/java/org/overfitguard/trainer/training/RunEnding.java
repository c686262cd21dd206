package org.overfitguard.trainer.training;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.checkpoint.Checkpoint;
import org.overfitguard.lm.checkpoint.CheckpointException;
import org.overfitguard.lm.train.TrainingSession;
import org.overfitguard.trainer.TrainerConfig;
import org.overfitguard.trainer.ledger.RunBook;
import org.overfitguard.trainer.ledger.RunRecord;
import org.overfitguard.trainer.training.FinalModelRule.Ending;

/**
 * How a run ends on this trainer: completed with a final model ({@link FinalModelRule} says which
 * weights), released (another start resumes it), or failed with a reason. Each says so with one event.
 */
@ApplicationScoped
public class RunEnding {

    private static final Logger LOG = Logger.getLogger(RunEnding.class);

    /** A release is said within a shutdown's grace, or not at all. */
    static final java.time.Duration RELEASE_TIMEOUT = java.time.Duration.ofSeconds(5);

    @Inject
    RunBook book;
    @Inject
    TrainerEvents events;
    @Inject
    TrainerConfig config;
    @Inject
    TrainerResources resources;
    @Inject
    CheckpointWriter checkpoints;

    /** Applies {@link FinalModelRule} to how the loop ended: the final model and RunCompleted, or a release. */
    void afterTraining(String runId, RunSpec spec, TrainingSession session, DatasetPrepared dataset, Ending ending,
                       Checkpoint lastCheckpoint, long nextOffset) throws InterruptedException, IOException, CheckpointException {
        Optional<RunRecord> current;
        boolean evaluatedToEnd = true;
        if (ending == Ending.MAX_STEPS) { // the last checkpoint's evaluation may still make the policy fire
            long last = spec.training().maxSteps();
            Optional<RunRecord> evaluated = book.awaitWhileHere(runId, r -> r.stop() != null || r.failed() != null
                    || r.completed() != null || (r.lastEvaluation() != null && r.lastEvaluation().step() >= last),
                    config.finalEvaluationTimeout(), resources::shuttingDown);
            evaluatedToEnd = evaluated.isPresent();
            current = evaluated.or(() -> book.snapshot(runId));
        } else {
            current = book.snapshot(runId);
        }
        FinalModelRule.Log log = new FinalModelRule.Log(current.isPresent(), current.map(RunRecord::stop).orElse(null),
                current.map(RunRecord::lastEvaluation).orElse(null), evaluatedToEnd, resources.shuttingDown());
        boolean endedMeanwhile = current.map(r -> r.failed() != null || r.completed() != null).orElse(false);
        FinalModelRule.Decision d = FinalModelRule.decide(endedMeanwhile ? Ending.ENDED : ending, spec.earlyStopping().restoreBest(),
                log, session.step(),
                lastCheckpoint == null ? session.step() : lastCheckpoint.step());
        if (d.release()) {
            release(runId, session.step());
            return;
        }
        if (d.endedElsewhere()) {
            RunRecord r = current.orElse(null);
            LOG.warnf("run %s: ended while it trained, at step %d (%s); this trainer takes the next run", runId, session.step(),
                    r == null ? "?" : r.failed() != null ? "RunFailed from " + r.failed().service() + ": " + r.failed().reason()
                            : "RunCompleted " + r.completed().reason());
            book.markFinishedHere(runId);
            return;
        }
        Path chosen = switch (d.weights()) {
            case NONE -> null;
            case CHECKPOINT -> ownCheckpoint(runId, d.step(), d.bestCheckpoint());
            case CURRENT -> checkpoints.current(runId, spec, session, dataset, lastCheckpoint, nextOffset);
        };
        complete(runId, d.reason(), session.step(), d.bestStep(), chosen, ending == Ending.CANCEL ? null
                : d.reason().name().toLowerCase(Locale.ROOT));
    }

    /** RunCompleted with {@code chosen} (or no weights) promoted to the final model. */
    void complete(String runId, CompletionReason reason, long steps, Long bestStep, Path chosen, String why)
            throws IOException, CheckpointException {
        Path finalModel = chosen == null ? null : resources.store().promoteToFinal(runId, chosen);
        Double bestLoss = book.snapshot(runId).map(r -> r.heldOutLossAt(bestStep)).orElse(null);
        events.publish(new RunCompleted(runId, Event.newId(), Event.now(), reason, steps, bestStep, bestLoss,
                finalModel == null ? null : finalModel.toString(), chosen == null ? null : chosen.toString()));
        book.markFinishedHere(runId);
        LOG.infof("run %s: completed (%s) after %d steps; final model %s (step %s, held-out loss %s)", runId,
                why == null ? reason : why, steps, finalModel, bestStep, bestLoss);
    }

    /**
     * Lets the run go without failing it (shutdown, or its partition went elsewhere): RunReleased, so
     * that the next start from the same checkpoint is not counted as an attempt that died. Best
     * effort: when it cannot be sent, that start counts.
     */
    void release(String runId, long step) {
        String why = resources.shuttingDown() ? "shutdown" : "partition revoked";
        LOG.infof("run %s: let go at step %d (%s); it resumes from its checkpoint", runId, step, why);
        try {
            events.publish(RunReleased.of(runId, config.instanceId(), step, why), RELEASE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("run %s: could not announce the release: %s", runId, e.getMessage());
        }
    }

    /**
     * Pauses a promotion-form ASHA trial at {@code rung} ({@code step} steps): RunReleased with the
     * rung, and the run handed back to wait for the tuner. When the event cannot be sent, throws:
     * the scheduler hands the run back, and its next start pauses it again from the same checkpoint.
     */
    void pause(String runId, long step, int rung) {
        events.publish(RunReleased.paused(runId, config.instanceId(), step, rung));
        book.pausedHere(runId, rung);
        LOG.infof("run %s: paused at rung %d (%d steps) until the tuner promotes or prunes it", runId, rung, step);
    }

    /** RunFailed; when even that cannot be sent, throws: the scheduler hands the run back and this is decided again. */
    void fail(String runId, String reason) {
        try {
            events.publish(RunFailed.of(runId, TrainerEvents.SERVICE, reason));
            book.markFinishedHere(runId);
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: could not publish RunFailed (%s); taken again in a moment", runId, reason);
            throw e;
        }
    }

    /**
     * The checkpoint of {@code step} in this trainer's own store. An event names it by path too, but
     * a path from an event is never trusted to point into the run's directory.
     */
    private Path ownCheckpoint(String runId, long step, String claimed) {
        Path own = resources.store().stepDir(runId, step);
        if (claimed != null && !Path.of(claimed).toAbsolutePath().normalize().equals(own)) {
            LOG.warnf("run %s: the best checkpoint is named %s; using this trainer's own %s", runId, claimed, own);
        }
        return own;
    }
}
