package org.overfitguard.trainer.training;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.checkpoint.Checkpoint;
import org.overfitguard.lm.checkpoint.CheckpointException;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.checkpoint.LoadedCheckpoint;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.StepResult;
import org.overfitguard.lm.train.TrainingSession;
import org.overfitguard.messaging.EventNotSentException;
import org.overfitguard.messaging.KafkaConnection;
import org.overfitguard.messaging.supervision.SupervisedLoop;
import org.overfitguard.trainer.TrainerConfig;
import org.overfitguard.trainer.ledger.RunBook;
import org.overfitguard.trainer.ledger.RunBook.StopSignal;
import org.overfitguard.trainer.ledger.RunRecord;
import org.overfitguard.trainer.training.FinalModelRule.Ending;

/**
 * Trains one run from start (or its newest valid checkpoint) to its end:
 * <pre>
 * RunStarted -> wait for DatasetPrepared (or a failure, stop or cancel first)
 *   -> batch k = step k until max_steps, a StopRequested, a CancelRequested, a shutdown, or (a trial of
 *      ASHA's promotion form) a rung it was not promoted past: then a checkpoint there and RunReleased
 *      with the rung ({@link RunEnding#pause}); it is taken again once TrialPromoted comes
 *      StepMetrics every metrics_every steps, a checkpoint every checkpoint_every ({@link CheckpointWriter})
 *   -> {@link RunEnding}: which weights become the final model ({@link FinalModelRule}) and RunCompleted,
 *      or RunReleased (a shutdown: it resumes from its checkpoint on the next start), or RunFailed
 * </pre>
 */
@ApplicationScoped
public class RunExecutor {

    private static final Logger LOG = Logger.getLogger(RunExecutor.class);

    @Inject
    RunBook book;
    @Inject
    TrainerEvents events;
    @Inject
    TrainerMetrics metrics;
    @Inject
    LiveRuns live;
    @Inject
    TrainerConfig config;
    @Inject
    KafkaConnection kafka;
    @Inject
    TrainerResources resources;
    @Inject
    CheckpointWriter checkpoints;
    @Inject
    RunEnding ending;

    /**
     * Trains the run to its end; returns when it completed, failed, or was abandoned by a shutdown.
     * Throws when it could not even be started (RunStarted not published): the caller tries again.
     */
    public void execute(RunRecord run, SupervisedLoop.Heartbeat heartbeat) throws InterruptedException {
        String runId = run.runId();
        RunSpec spec = run.requested().spec();
        LOG.infof("run %s: spec %s", runId, org.overfitguard.contracts.spec.RunSpecs.toJson(spec));
        LoadedCheckpoint resumed = newestCheckpoint(runId);
        boolean handedOver = false;
        try {
            long startStep = resumed == null ? 0 : resumed.meta().step();
            int attempts = run.attemptsFrom(startStep);
            if (attempts >= config.maxAttempts()) {
                ending.fail(runId, "started " + attempts + " times from step " + startStep + " without getting further (the trainer "
                        + "crashed, was killed or ran out of memory each time); trainer.max-attempts is " + config.maxAttempts());
                return;
            }
            String device = resources.device().toString();
            events.publish(RunStarted.of(runId, spec, config.instanceId(), device, startStep));
            live.started(runId, startStep, device);
            try {
                Optional<RunRecord> ready = book.awaitWhileHere(runId, r -> r.dataset() != null || r.failed() != null
                        || r.completed() != null || r.cancel() != null || r.stop() != null, config.datasetTimeout(),
                        resources::shuttingDown);
                if (resources.shuttingDown() || book.gone(runId)) {
                    ending.release(runId, startStep); // another member (or this one, after a restart) takes it from here
                    return;
                }
                if (ready.isEmpty()) {
                    ending.fail(runId, "no DatasetPrepared from data-service within " + config.datasetTimeout().toSeconds() + " s");
                    return;
                }
                if (ready.get().failed() != null || ready.get().completed() != null) {
                    LOG.warnf("run %s ended before it trained: %s", runId, ready.get().failed() != null
                            ? "failed in " + ready.get().failed().service() + ": " + ready.get().failed().reason()
                            : "completed (" + ready.get().completed().reason() + ")");
                    book.markFinishedHere(runId);
                    return;
                }
                if (ready.get().dataset() == null) { // a stop or cancel before any data: nothing trained
                    ending.complete(runId, ready.get().cancel() != null ? CompletionReason.CANCELLED
                            : CompletionReason.of(ready.get().stop().reason()), startStep, null, null, null);
                    return;
                }
                if (resumed != null) {
                    republishIfUnevaluated(ready.get(), resumed);
                }
                handedOver = true;
                train(run, spec, ready.get().dataset(), resumed, heartbeat);
            } catch (EventNotSentException e) {
                // the brokers are away: not the run's fault; it resumes from its checkpoint when they are back
                LOG.warnf("run %s: %s; taken again in a moment", runId, e.getMessage());
                throw e;
            } catch (RuntimeException | IOException | CheckpointException e) {
                LOG.errorf(e, "run %s failed", runId);
                ending.fail(runId, e.getMessage() == null ? e.toString() : e.getMessage());
            } finally {
                live.ended(runId);
                metrics.ended(runId);
            }
        } finally {
            if (resumed != null && !handedOver) {
                resumed.close();
            }
        }
    }

    private LoadedCheckpoint newestCheckpoint(String runId) {
        try {
            Optional<Path> latest = resources.store().latestValid(runId);
            return latest.isPresent() ? CheckpointStore.load(latest.get(), resources.device()) : null;
        } catch (CheckpointException | RuntimeException e) {
            LOG.warnf("run %s: cannot resume from its newest checkpoint, starting over: %s", runId, e.getMessage());
            return null;
        }
    }

    /**
     * A crash between writing a checkpoint and publishing its CheckpointSaved would leave it
     * unevaluated for ever: say it again (the evaluator evaluates a step once, however often it hears of it).
     */
    private void republishIfUnevaluated(RunRecord run, LoadedCheckpoint resumed) {
        long step = resumed.meta().step();
        if (run.heldOutLossAt(step) == null && run.stop() == null) {
            Checkpoint c = resumed.checkpoint();
            events.publish(new CheckpointSaved(run.runId(), Event.newId(), Event.now(), step, c.dir().toString(),
                    c.manifestSha256(), resumed.meta().trainLoss(), c.sizeBytes()));
        }
    }

    /** Trains from {@code resumed} (or a fresh model); the session, and with it the model's native memory, is closed at the end. */
    private void train(RunRecord run, RunSpec spec, DatasetPrepared dataset, LoadedCheckpoint resumed, SupervisedLoop.Heartbeat heartbeat)
            throws InterruptedException, IOException, CheckpointException {
        String runId = run.runId();
        try (TrainingSession session = resumed != null
                ? new TrainingSession(resumed.model(), resumed.optimizer(), spec, resumed.meta().step())
                : TrainingSession.fresh(GptModel.create(GptConfig.of(spec, dataset.vocabSize()), resources.device(), spec.seed()),
                        spec)) {
            train(runId, spec, dataset, session, resumed == null ? 0 : resumed.meta().nextBatchOffset(), heartbeat);
        }
    }

    private void train(String runId, RunSpec spec, DatasetPrepared dataset, TrainingSession session, long fromOffset,
                       SupervisedLoop.Heartbeat heartbeat) throws InterruptedException, IOException, CheckpointException {
        LOG.infof("run %s: %,d parameters, %d of %d decay; training from step %d (batch offset %d)", runId,
                session.model().parameterCount(), session.optimizer().decayCount(session.model().parameters()),
                session.model().parameters().size(), session.step(), fromOffset);
        Checkpoint lastCheckpoint = null;
        StepWindow window = new StepWindow();
        StepWindow checkpointWindow = new StepWindow();
        int accumulation = spec.training().gradientAccumulationSteps();
        long tokensSeen = session.step() * accumulation * (long) spec.training().batchSize() * spec.model().blockSize();
        List<CompletableFuture<Void>> reports = new ArrayList<>();
        Ending outcome = Ending.MAX_STEPS;
        long startStep = session.step();
        boolean pause = false;
        try (BatchStream batches = new BatchStream(kafka, runId, fromOffset, resources.deadLetters(),
                "trainer-batches-" + config.instanceId())) {
            while (session.step() < spec.training().maxSteps()) {
                heartbeat.beat();
                Ending signal = signal(runId);
                if (signal != null) {
                    outcome = signal;
                    break;
                }
                if (session.step() >= book.trainUntil(runId)) { // a promotion-form ASHA trial at a rung it was not promoted past
                    pause = true;
                    break;
                }
                List<TokenBatch> micro = new ArrayList<>(accumulation); // records step x G .. step x G + G - 1
                for (int m = 0; m < accumulation; m++) {
                    TokenBatch batch = batches.next(session.step() * accumulation + m, () -> {
                        heartbeat.beat();
                        return signal(runId) != null;
                    });
                    if (batch == null) {
                        break;
                    }
                    micro.add(batch);
                }
                if (micro.size() < accumulation) {
                    continue; // the loop head reads the signal; a step half read is read again from its checkpoint
                }
                StepResult r = session.train(micro);
                tokensSeen += r.tokens();
                window.add(r);
                checkpointWindow.add(r);
                metrics.step(runId, r, window.tokensPerSecond());
                live.stepped(runId, r, window.tokensPerSecond());
                if (r.step() % spec.training().metricsEvery() == 0) {
                    reports.add(events.report(window.metrics(runId, tokensSeen)));
                    window.reset();
                }
                if (r.step() % spec.training().checkpointEvery() == 0) {
                    events.awaitReports(reports); // the steps up to a checkpoint are never reported again: none may be lost
                    lastCheckpoint = checkpoints.write(runId, spec, session, dataset, batches.nextOffset(),
                            checkpointWindow.meanCrossEntropy());
                    checkpointWindow.reset();
                }
            }
            events.awaitReports(reports);
            if (pause) {
                if (session.step() > startStep && (lastCheckpoint == null || lastCheckpoint.step() != session.step())) {
                    checkpoints.write(runId, spec, session, dataset, batches.nextOffset(),
                            checkpointWindow.isEmpty() ? Double.NaN : checkpointWindow.meanCrossEntropy()); // the tuner judges the rung on it
                }
                ending.pause(runId, session.step(), book.rungAt(runId, session.step()));
                return;
            }
            if (outcome == Ending.MAX_STEPS && (lastCheckpoint == null || lastCheckpoint.step() != session.step())) {
                lastCheckpoint = checkpoints.write(runId, spec, session, dataset, batches.nextOffset(),
                        checkpointWindow.isEmpty() ? Double.NaN : checkpointWindow.meanCrossEntropy());
            }
            ending.afterTraining(runId, spec, session, dataset, outcome, lastCheckpoint, batches.nextOffset());
        }
    }

    private Ending signal(String runId) {
        if (resources.shuttingDown()) {
            return Ending.ABANDON;
        }
        StopSignal s = book.stopSignal(runId);
        return switch (s) {
            case NONE -> null;
            case STOP -> Ending.STOP;
            case CANCEL -> Ending.CANCEL;
            case ABANDON -> Ending.ABANDON;
            case ENDED -> Ending.ENDED;
        };
    }
}
