package org.overfitguard.evaluator.evaluate;

import ai.djl.Device;
import com.sun.management.OperatingSystemMXBean;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.contracts.events.TrialEvaluatedBuilder;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.evaluator.EvaluatorConfig;
import org.overfitguard.evaluator.ledger.EvaluationBook;
import org.overfitguard.evaluator.policy.EarlyStopping;
import org.overfitguard.evaluator.policy.StopState;
import org.overfitguard.lm.eval.HeldOutScore;
import org.overfitguard.lm.model.Devices;
import org.overfitguard.lm.model.MemoryEstimate;
import org.overfitguard.lm.model.MklDispatch;
import org.overfitguard.messaging.DeadLetters;
import org.overfitguard.messaging.KafkaConnection;
import org.overfitguard.messaging.supervision.Loops;
import org.overfitguard.messaging.supervision.SupervisedLoop;

/**
 * Evaluates checkpoints one at a time, in arrival order (a run's checkpoints arrive in step order):
 * EvaluationStarted, score (beating the loop's heartbeat at every forward pass, so a long
 * evaluation is not taken for a stuck one), apply the run's early-stopping policy, publish
 * EvaluationCompleted (with the policy state after it), then its consequences: TrialEvaluated for
 * an ASHA trial, and StopRequested when the policy fired. A checkpoint already evaluated is
 * skipped; one that cannot be evaluated yields an EvaluationCompleted with status error and the
 * reason, and leaves the policy state as it was; one whose evaluation started
 * evaluator.max-attempts times and never finished (it killed the evaluator each time) is set aside
 * so, with the reason.
 *
 * <p>The consequences wait in an outbox that is emptied before anything else, a failed send
 * retried until it goes through: once an EvaluationCompleted is on the topic, its stop and its
 * forward are never skipped. An evaluator that dies between them says them again on catching up
 * (the ledger's owed stops and trial results; the trainer and the tuner take each once).
 */
@ApplicationScoped
public class EvaluationWorker {

    private static final Logger LOG = Logger.getLogger(EvaluationWorker.class);

    @Inject
    EvaluationBook book;
    @Inject
    EvaluatorEvents events;
    @Inject
    EvaluatorMetrics metrics;
    @Inject
    EvaluatorConfig config;
    @Inject
    KafkaConnection kafka;

    @Inject
    Loops loops;

    private final BlockingDeque<CheckpointSaved> queue = new LinkedBlockingDeque<>();
    /** Events owed because of evaluations already on the topic, in the order they are to be sent. */
    private final BlockingDeque<Event> outbox = new LinkedBlockingDeque<>();
    private CheckpointEvaluator evaluator;
    private DeadLetters deadLetters;
    private SupervisedLoop loop;

    void start(@Observes StartupEvent ignored) {
        Device device = Devices.select(config.device());
        deadLetters = new DeadLetters(kafka, "evaluator-service-heldout");
        long budget = (long) (config.maxMemory().map(m -> m.asLongValue()).orElseGet(() -> nativeMemory())
                / MemoryEstimate.allocatorFactor(System.getenv()));
        MemoryEstimate.allocatorWarning(System.getenv()).ifPresent(LOG::warn);
        if (!device.isGpu()) {
            MklDispatch.current().log(LOG::info, LOG::warn);
        }
        evaluator = new CheckpointEvaluator(device, new HeldOutCache(kafka, deadLetters, config.heldoutCacheRuns()),
                config.rowsPerForward(), budget, Path.of(config.checkpointRoot()), config.heldoutTimeout());
        loop = loops.start(new SupervisedLoop("evaluator-worker", config.stallTimeout(), this::work));
        LOG.infof("evaluator %s evaluates on %s, checkpoints under %s, at most %s per forward pass", config.instanceId(), device,
                Path.of(config.checkpointRoot()).toAbsolutePath().normalize(), MemoryEstimate.human(budget));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.close(Duration.ofSeconds(10));
            deadLetters.close();
        }
    }

    public void submit(CheckpointSaved checkpoint) {
        queue.add(checkpoint);
    }

    /** Forwards a trial's evaluation to the tuner again (after a restart), from the worker's thread. */
    public void forwardAgain(EvaluationCompleted evaluation) {
        forward(evaluation);
    }

    /** Says a decision to stop again (after a restart: it may not have been sent), from the worker's thread. */
    public void stopAgain(EvaluationBook.OwedStop owed) {
        outbox.add(StopRequests.of(owed.fired(), owed.spec()));
    }

    /** Forwards a trial's end to the tuner, from the worker's thread (after the trial's last result). */
    public void forwardEnd(TrialEnded end) {
        outbox.add(end);
    }

    private void work(SupervisedLoop.Heartbeat heartbeat) throws InterruptedException {
        while (!heartbeat.closing()) {
            heartbeat.beat();
            sendOwed(); // a failure throws: the loop restarts and tries again, before any other work
            CheckpointSaved c = queue.poll(1, TimeUnit.SECONDS);
            if (c == null || book.isEvaluated(c.runId(), c.step())) {
                continue; // a duplicate CheckpointSaved is evaluated once
            }
            BookState current = BookState.of(book.current(c.runId()));
            if (current == null) {
                // queued before a rebalance or replay: the run comes back with its partition, and its
                // unevaluated checkpoints are handed out again once the ledger has caught up
                LOG.debugf("run %s: step %d not evaluated now: its state is being rebuilt", c.runId(), c.step());
                continue;
            }
            try {
                evaluate(c, current, heartbeat);
            } catch (RuntimeException e) {
                LOG.errorf(e, "run %s: could not publish the evaluation of step %d; retrying later", c.runId(), c.step());
                Thread.sleep(5000);
                queue.addFirst(c); // first again: a run's checkpoints stay in step order
                continue;
            }
            sendOwed();
        }
    }

    /** Sends what the outbox holds, in order; each leaves it only once the broker has it. */
    private void sendOwed() {
        for (Event e; (e = outbox.peek()) != null; outbox.poll()) {
            events.publish(e);
        }
    }

    /** The state an evaluation starts from and the epoch it was read in. */
    private record BookState(StopState state, EvaluationCompleted last, long epoch) {
        static BookState of(EvaluationBook.Current c) {
            return c == null ? null : new BookState(c.state(), c.last(), c.epoch());
        }
    }

    private void evaluate(CheckpointSaved c, BookState current, SupervisedLoop.Heartbeat heartbeat) {
        long start = System.nanoTime();
        int attempts = book.attempts(c.runId(), c.step());
        if (attempts >= config.maxAttempts()) {
            String reason = "set aside: " + attempts + " evaluations of this checkpoint started and none finished (the evaluator "
                    + "died or was killed each time: out of memory, or too slow for its liveness check); evaluator.max-attempts is "
                    + config.maxAttempts();
            LOG.warnf("run %s: checkpoint of step %d %s", c.runId(), c.step(), reason);
            publish(error(c, current, reason, 0), current);
            return;
        }
        EvaluationStarted begun = EvaluationStarted.of(c.runId(), c.step(), c.path(), attempts + 1, config.instanceId());
        events.publish(begun);
        book.evaluationStarted(begun, -1);
        CheckpointEvaluator.Scored scored;
        try {
            scored = evaluator.evaluate(c, heartbeat::beat);
        } catch (Exception e) {
            LOG.warnf("run %s: checkpoint of step %d not evaluated: %s", c.runId(), c.step(), e.getMessage());
            publish(error(c, current, e.getMessage() == null ? e.toString() : e.getMessage(), seconds(start)), current);
            return;
        }
        RunSpec spec = scored.spec();
        EarlyStoppingSpec policySpec = spec.earlyStopping();
        EarlyStopping policy = new EarlyStopping(policySpec);
        StopState before = current.state();
        double monitored = monitored(policySpec.monitor(), scored.score());
        StopState after = policy.next(before, c.step(), monitored, c.path());
        HeldOutScore s = scored.score();
        Double gap = Double.isFinite(c.trainLoss()) && Double.isFinite(s.loss()) ? s.loss() - c.trainLoss() : null;
        boolean fired = !before.stopped() && after.stopped();
        EvaluationCompleted e = of(c).status(EvaluationStatus.OK)
                .heldOutLoss(s.loss()).perplexity(s.perplexity()).accuracy(s.accuracy())
                .trainLoss(Double.isFinite(c.trainLoss()) ? c.trainLoss() : null).gap(gap)
                .heldOutTokens(s.tokens()).sample(scored.sample()).evalSeconds(seconds(start))
                .monitor(name(policySpec.monitor())).monitoredValue(monitored)
                .bestValue(after.bestValue()).bestStep(after.bestStep()).bestCheckpoint(after.bestCheckpoint())
                .evaluationsWithoutImprovement(after.sinceImprovement()).patienceLeft(policy.patienceLeft(after))
                .stopReason(fired ? after.stopReason() : null)
                .build();
        if (!publish(e, current)) {
            return;
        }
        if (fired) {
            outbox.add(StopRequests.of(e, policySpec)); // after the forward publish() queued
            metrics.stopped(after.stopReason());
            LOG.infof("run %s: stop at step %d (%s); best step %d, %s %.4f", c.runId(), c.step(), after.stopReason(),
                    after.bestStep(), name(policySpec.monitor()), after.bestValue());
        }
    }

    /**
     * Publishes unless the state it was computed from was lost meanwhile (then the checkpoint is
     * evaluated again after the replay): an evaluation on the topic becomes the run's state.
     */
    private boolean publish(EvaluationCompleted e, BookState from) {
        if (!book.stillCurrent(from.epoch())) {
            LOG.infof("run %s: evaluation of step %d dropped: the state it started from was rebuilt meanwhile", e.runId(), e.step());
            return false;
        }
        events.publish(e);
        book.evaluationSeen(e, -1);
        metrics.evaluated(e);
        forward(e);
        return true;
    }

    /**
     * A trial of an ASHA sweep: its evaluation goes on to the tuner on topic tuning, keyed by the
     * sweep, so that all of the sweep's results are judged in one order. A failed evaluation goes
     * on too (held-out loss NaN, which ranks last) for a promotion-form trial: it is paused at the
     * checkpoint that could not be scored, and its rung would otherwise never close.
     */
    private void forward(EvaluationCompleted e) {
        EvaluationBook.Trial trial = book.trial(e.runId());
        if (trial == null || (e.status() != EvaluationStatus.OK && !trial.schedule().promotion())) {
            return;
        }
        outbox.add(TrialEvaluatedBuilder.builder().runId(e.runId()).eventId(Event.newId()).timestamp(Event.now())
                .sweepId(trial.sweepId()).schedule(trial.schedule()).step(e.step()).heldOutLoss(e.heldOutLoss() == null ? Double.NaN : e.heldOutLoss())
                .monitor(e.monitor() == null ? "heldout_loss" : e.monitor()) // null only when a first evaluation failed
                .bestStep(e.bestStep()).bestValue(e.bestValue()).bestCheckpoint(e.bestCheckpoint()).build());
    }

    /** An error evaluation carries the unchanged policy state, so the event-sourced state stays right. */
    private static EvaluationCompleted error(CheckpointSaved c, BookState current, String reason, double seconds) {
        StopState s = current.state();
        EvaluationCompleted last = current.last();
        return of(c).status(EvaluationStatus.ERROR).error(reason).evalSeconds(seconds)
                .monitor(last == null ? null : last.monitor())
                .bestValue(s.bestValue()).bestStep(s.bestStep()).bestCheckpoint(s.bestCheckpoint())
                .evaluationsWithoutImprovement(s.sinceImprovement()).patienceLeft(last == null ? 0 : last.patienceLeft())
                .build();
    }

    /** An evaluation of this checkpoint: a new event id, now; the rest by name. */
    private static EvaluationCompletedBuilder of(CheckpointSaved c) {
        return EvaluationCompletedBuilder.builder().runId(c.runId()).eventId(Event.newId()).timestamp(Event.now())
                .step(c.step()).checkpointPath(c.path());
    }

    static double monitored(EarlyStoppingSpec.Monitor monitor, HeldOutScore s) {
        return switch (monitor) {
            case HELDOUT_LOSS -> s.loss();
            case PERPLEXITY -> s.perplexity();
            case ACCURACY -> s.accuracy();
        };
    }

    private static String name(EarlyStoppingSpec.Monitor m) {
        return m.name().toLowerCase(Locale.ROOT);
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }


    /** 80% of what the machine (or the container's limit) leaves beside the Java heap, where libtorch allocates. */
    private static long nativeMemory() {
        return (long) (0.8 * Math.max(0, machineMemory() - Runtime.getRuntime().maxMemory()));
    }

    private static long machineMemory() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize();
    }
}
