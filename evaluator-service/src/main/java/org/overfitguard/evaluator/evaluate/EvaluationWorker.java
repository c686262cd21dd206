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
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StopRequestedBuilder;
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
 * score, apply the run's early-stopping policy, publish EvaluationCompleted (with the policy state
 * after it), and StopRequested when the policy fires. A checkpoint already evaluated is skipped; one
 * that cannot be evaluated yields an EvaluationCompleted with status error and the reason, and
 * leaves the policy state as it was.
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

    /** Longer than any single evaluation of an admitted model on its held-out set. */
    static final Duration STALL = Duration.ofMinutes(10);

    @Inject
    Loops loops;

    private final BlockingDeque<CheckpointSaved> queue = new LinkedBlockingDeque<>();
    private final BlockingDeque<EvaluationCompleted> forwards = new LinkedBlockingDeque<>();
    private final BlockingDeque<TrialEnded> ends = new LinkedBlockingDeque<>();
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
        loop = loops.start(new SupervisedLoop("evaluator-worker", STALL, this::work));
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
        forwards.add(evaluation);
    }

    /** Forwards a trial's end to the tuner, from the worker's thread (after the trial's last result). */
    public void forwardEnd(TrialEnded end) {
        ends.add(end);
    }

    private void work(SupervisedLoop.Heartbeat heartbeat) throws InterruptedException {
        while (!heartbeat.closing()) {
            heartbeat.beat();
            for (EvaluationCompleted e; (e = forwards.peek()) != null; forwards.poll()) {
                forward(e); // a failure throws: the loop restarts and tries again
            }
            for (TrialEnded e; (e = ends.peek()) != null; ends.poll()) {
                events.publish(e);
            }
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
                evaluate(c, current);
            } catch (RuntimeException e) {
                LOG.errorf(e, "run %s: could not publish the evaluation of step %d; retrying later", c.runId(), c.step());
                Thread.sleep(5000);
                queue.addFirst(c); // first again: a run's checkpoints stay in step order
            }
        }
    }

    /** The state an evaluation starts from and the epoch it was read in. */
    private record BookState(StopState state, EvaluationCompleted last, long epoch) {
        static BookState of(EvaluationBook.Current c) {
            return c == null ? null : new BookState(c.state(), c.last(), c.epoch());
        }
    }

    private void evaluate(CheckpointSaved c, BookState current) {
        long start = System.nanoTime();
        CheckpointEvaluator.Scored scored;
        try {
            scored = evaluator.evaluate(c);
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
        forward(e);
        if (fired) {
            events.publish(StopRequestedBuilder.builder().runId(c.runId()).eventId(Event.newId()).timestamp(Event.now())
                    .reason(after.stopReason()).monitor(name(policySpec.monitor())).atStep(c.step()).bestStep(after.bestStep())
                    .bestValue(after.bestValue()).bestCheckpoint(after.bestCheckpoint()).detail(explain(after, monitored, policySpec))
                    .build());
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
        events.publish(TrialEvaluatedBuilder.builder().runId(e.runId()).eventId(Event.newId()).timestamp(Event.now())
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

    private static String explain(StopState s, double value, EarlyStoppingSpec spec) {
        return switch (s.stopReason()) {
            case PATIENCE_EXHAUSTED -> spec.patience() + " evaluations without improvement on " + name(spec.monitor())
                    + " (best " + decimal(s.bestValue()) + " at step " + s.bestStep() + ")";
            case STOPPING_THRESHOLD -> name(spec.monitor()) + " " + decimal(value) + " reached stopping_threshold " + spec.stoppingThreshold();
            case DIVERGENCE -> name(spec.monitor()) + " " + decimal(value) + " is worse than divergence_threshold "
                    + spec.divergenceThreshold();
            case NON_FINITE -> name(spec.monitor()) + " is " + value;
            case PRUNED -> throw new IllegalStateException("the early-stopping policy does not prune; the tuner does");
        };
    }

    /** Reasons are read by people: four decimals, as the terminal and dashboard show losses. */
    private static String decimal(double v) {
        return String.format(Locale.ROOT, "%.4f", v);
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
