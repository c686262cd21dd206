package org.overfitguard.trainer.training;

import ai.djl.Device;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
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
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.checkpoint.Checkpoint;
import org.overfitguard.lm.checkpoint.CheckpointException;
import org.overfitguard.lm.checkpoint.CheckpointMeta;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.checkpoint.LoadedCheckpoint;
import org.overfitguard.lm.model.Devices;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.MemoryEstimate;
import org.overfitguard.lm.model.NativeEnvironment;
import org.overfitguard.lm.model.Seeds;
import org.overfitguard.lm.train.StepResult;
import org.overfitguard.lm.train.TrainingSession;
import org.overfitguard.messaging.DeadLetters;
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
 * RunStarted, wait for DatasetPrepared, then batch k = step k until max_steps, a StopRequested or a
 * CancelRequested; StepMetrics every metrics_every steps, a checkpoint and CheckpointSaved every
 * checkpoint_every steps; finally the chosen checkpoint becomes the final model and RunCompleted
 * says which. A shutdown abandons the run quietly: it resumes from its checkpoint on the next start.
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

    private CheckpointStore store;
    private Device device;
    private DeadLetters deadLetters;
    private volatile boolean shuttingDown;


    /** A release is said within a shutdown's grace, or not at all. */
    static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(5);

    void start(@Observes StartupEvent ignored) {
        store = new CheckpointStore(Path.of(config.checkpointRoot()));
        NativeEnvironment natives = NativeEnvironment.current();
        LOG.info(natives.describe());
        device = Devices.select(config.device(), natives);
        deadLetters = new DeadLetters(kafka, "trainer-service-batches");
        LOG.infof("trainer %s trains on %s; checkpoints under %s", config.instanceId(), device, store.root());
        MemoryEstimate.allocatorWarning(System.getenv()).ifPresent(LOG::warn);
    }

    void stop(@Observes ShutdownEvent ignored) {
        shuttingDown = true;
    }

    public Device device() {
        return device;
    }

    public CheckpointStore store() {
        return store;
    }

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
                fail(runId, "started " + attempts + " times from step " + startStep + " without getting further (the trainer "
                        + "crashed, was killed or ran out of memory each time); trainer.max-attempts is " + config.maxAttempts());
                return;
            }
            events.publish(RunStarted.of(runId, spec, config.instanceId(), device.toString(), startStep));
            live.started(runId, startStep, device.toString());
            try {
                Optional<RunRecord> ready = awaitOrGone(runId, r -> r.dataset() != null || r.failed() != null
                        || r.cancel() != null || r.stop() != null, config.datasetTimeout());
                if (shuttingDown || book.gone(runId)) {
                    release(runId, startStep); // another member (or this one, after a restart) takes it from here
                    return;
                }
                if (ready.isEmpty()) {
                    fail(runId, "no DatasetPrepared from data-service within " + config.datasetTimeout().toSeconds() + " s");
                    return;
                }
                if (ready.get().failed() != null) {
                    LOG.warnf("run %s failed in %s: %s", runId, ready.get().failed().service(), ready.get().failed().reason());
                    book.markFinishedHere(runId);
                    return;
                }
                if (ready.get().dataset() == null) { // a stop or cancel before any data: nothing trained
                    complete(runId, ready.get().cancel() != null ? CompletionReason.CANCELLED
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
                fail(runId, e.getMessage() == null ? e.toString() : e.getMessage());
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

    /** Waits for {@code condition}, but returns early on shutdown or when the run went to another member. */
    private Optional<RunRecord> awaitOrGone(String runId, java.util.function.Predicate<RunRecord> condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<RunRecord> r = book.await(runId, condition, Duration.ofSeconds(1));
            if (r.isPresent() || shuttingDown || book.gone(runId)) {
                return r;
            }
        }
        return Optional.empty();
    }

    private LoadedCheckpoint newestCheckpoint(String runId) {
        try {
            Optional<Path> latest = store.latestValid(runId);
            return latest.isPresent() ? CheckpointStore.load(latest.get(), device) : null;
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
                : TrainingSession.fresh(GptModel.create(GptConfig.of(spec, dataset.vocabSize()), device, spec.seed()), spec)) {
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
        long tokensSeen = session.step() * (long) spec.training().batchSize() * spec.model().blockSize();
        List<CompletableFuture<Void>> reports = new ArrayList<>();
        Ending outcome = Ending.MAX_STEPS;
        try (BatchStream batches = new BatchStream(kafka, runId, fromOffset, deadLetters,
                "trainer-batches-" + config.instanceId())) {
            while (session.step() < spec.training().maxSteps()) {
                heartbeat.beat();
                Ending signal = signal(runId);
                if (signal != null) {
                    outcome = signal;
                    break;
                }
                TokenBatch batch = batches.next(session.step(), () -> {
                    heartbeat.beat();
                    return signal(runId) != null;
                });
                if (batch == null) {
                    continue; // the loop head reads the signal
                }
                StepResult r = session.train(batch);
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
                    lastCheckpoint = checkpoint(runId, spec, session, dataset, batches.nextOffset(), checkpointWindow.meanCrossEntropy());
                    checkpointWindow.reset();
                }
            }
            events.awaitReports(reports);
            if (outcome == Ending.MAX_STEPS && (lastCheckpoint == null || lastCheckpoint.step() != session.step())) {
                lastCheckpoint = checkpoint(runId, spec, session, dataset, batches.nextOffset(),
                        checkpointWindow.isEmpty() ? Double.NaN : checkpointWindow.meanCrossEntropy());
            }
            finish(runId, spec, session, dataset, outcome, lastCheckpoint, batches.nextOffset());
        }
    }

    private Ending signal(String runId) {
        if (shuttingDown) {
            return Ending.ABANDON;
        }
        StopSignal s = book.stopSignal(runId);
        return switch (s) {
            case NONE -> null;
            case STOP -> Ending.STOP;
            case CANCEL -> Ending.CANCEL;
            case ABANDON -> Ending.ABANDON;
        };
    }

    private Checkpoint checkpoint(String runId, RunSpec spec, TrainingSession session, DatasetPrepared dataset,
                                  long nextOffset, double trainLoss) throws IOException {
        CheckpointMeta meta = new CheckpointMeta(CheckpointMeta.FORMAT, runId, session.step(), nextOffset, session.runSeed(),
                Seeds.SCHEDULE, session.optimizer().step(), trainLoss, session.model().config(), spec, dataset, Event.now());
        Checkpoint c = store.write(runId, session, meta);
        events.publish(new CheckpointSaved(runId, Event.newId(), Event.now(), c.step(), c.dir().toString(),
                c.manifestSha256(), trainLoss, c.sizeBytes()));
        prune(runId);
        return c;
    }

    /** Deletes the checkpoints nobody needs any more (see CheckpointRetention): the newest, the best and the unevaluated stay. */
    private void prune(String runId) {
        RunRecord r = book.snapshot(runId).orElse(null);
        if (r == null) {
            return;
        }
        Long best = r.stop() != null ? r.stop().bestStep() : r.lastEvaluation() == null ? null : r.lastEvaluation().bestStep();
        try {
            List<Long> gone = store.prune(runId, config.keepLastCheckpoints(), best, r.lastEvaluatedStep());
            if (!gone.isEmpty()) {
                LOG.debugf("run %s: deleted the checkpoints of steps %s", runId, gone);
            }
        } catch (IOException e) {
            LOG.warnf("run %s: could not delete old checkpoints: %s", runId, e.getMessage());
        }
    }

    /** Applies {@link FinalModelRule} to how the loop ended: the final model, RunCompleted, or a release. */
    private void finish(String runId, RunSpec spec, TrainingSession session, DatasetPrepared dataset, Ending ending,
                        Checkpoint lastCheckpoint, long nextOffset) throws InterruptedException, IOException, CheckpointException {
        Optional<RunRecord> current;
        boolean evaluatedToEnd = true;
        if (ending == Ending.MAX_STEPS) { // the last checkpoint's evaluation may still make the policy fire
            long last = spec.training().maxSteps();
            Optional<RunRecord> evaluated = awaitOrGone(runId, r -> r.stop() != null
                    || (r.lastEvaluation() != null && r.lastEvaluation().step() >= last), config.finalEvaluationTimeout());
            evaluatedToEnd = evaluated.isPresent();
            current = evaluated.or(() -> book.snapshot(runId));
        } else {
            current = book.snapshot(runId);
        }
        FinalModelRule.Log log = new FinalModelRule.Log(current.isPresent(), current.map(RunRecord::stop).orElse(null),
                current.map(RunRecord::lastEvaluation).orElse(null), evaluatedToEnd, shuttingDown);
        FinalModelRule.Decision d = FinalModelRule.decide(ending, spec.earlyStopping().restoreBest(), log, session.step(),
                lastCheckpoint == null ? session.step() : lastCheckpoint.step());
        if (d.release()) {
            release(runId, session.step());
            return;
        }
        Path chosen = switch (d.weights()) {
            case NONE -> null;
            case CHECKPOINT -> ownCheckpoint(runId, d.step(), d.bestCheckpoint());
            case CURRENT -> latest(runId, spec, session, dataset, lastCheckpoint, nextOffset);
        };
        complete(runId, d.reason(), session.step(), d.bestStep(), chosen, ending == Ending.CANCEL ? null
                : d.reason().name().toLowerCase(java.util.Locale.ROOT));
    }

    /**
     * The checkpoint of {@code step} in this trainer's own store. An event names it by path too, but
     * a path from an event is never trusted to point into the run's directory.
     */
    private Path ownCheckpoint(String runId, long step, String claimed) {
        Path own = store.stepDir(runId, step);
        if (claimed != null && !Path.of(claimed).toAbsolutePath().normalize().equals(own)) {
            LOG.warnf("run %s: the best checkpoint is named %s; using this trainer's own %s", runId, claimed, own);
        }
        return own;
    }

    /** The current state as a checkpoint: the last one written if it is current, else a new one. */
    private Path latest(String runId, RunSpec spec, TrainingSession session, DatasetPrepared dataset,
                        Checkpoint lastCheckpoint, long nextOffset) throws IOException {
        if (lastCheckpoint != null && lastCheckpoint.step() == session.step()) {
            return lastCheckpoint.dir();
        }
        Optional<Path> onDisk = store.latestValid(runId);
        if (onDisk.isPresent() && onDisk.get().equals(store.stepDir(runId, session.step()))) {
            return onDisk.get();
        }
        return checkpoint(runId, spec, session, dataset, nextOffset, Double.NaN).dir();
    }

    private void complete(String runId, CompletionReason reason, long steps, Long bestStep, Path chosen, String why)
            throws IOException, CheckpointException {
        Path finalModel = chosen == null ? null : store.promoteToFinal(runId, chosen);
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
    private void release(String runId, long step) {
        String why = shuttingDown ? "shutdown" : "partition revoked";
        LOG.infof("run %s: let go at step %d (%s); it resumes from its checkpoint", runId, step, why);
        try {
            events.publish(RunReleased.of(runId, config.instanceId(), step, why), RELEASE_TIMEOUT);
        } catch (RuntimeException e) {
            LOG.warnf("run %s: could not announce the release: %s", runId, e.getMessage());
        }
    }

    private void fail(String runId, String reason) {
        try {
            events.publish(RunFailed.of(runId, TrainerEvents.SERVICE, reason));
            book.markFinishedHere(runId);
        } catch (RuntimeException e) {
            LOG.errorf(e, "run %s: could not publish RunFailed (%s); taken again in a moment", runId, reason);
            throw e; // the scheduler hands the run back, and this is decided again
        }
    }
}
