package org.overfitguard.evaluator.evaluate;

import ai.djl.Device;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.evaluator.EvaluatorConfig;
import org.overfitguard.evaluator.ledger.EvaluationBook;
import org.overfitguard.evaluator.policy.EarlyStopping;
import org.overfitguard.evaluator.policy.StopState;
import org.overfitguard.lm.eval.HeldOutScore;
import org.overfitguard.lm.model.Devices;
import org.overfitguard.messaging.DeadLetters;
import org.overfitguard.messaging.KafkaConnection;

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

    private final BlockingDeque<CheckpointSaved> queue = new LinkedBlockingDeque<>();
    private CheckpointEvaluator evaluator;
    private DeadLetters deadLetters;
    private Thread thread;
    private volatile boolean running = true;

    void start(@Observes StartupEvent ignored) {
        Device device = Devices.select(config.device());
        deadLetters = new DeadLetters(kafka, "evaluator-service-heldout");
        evaluator = new CheckpointEvaluator(device, new HeldOutCache(kafka, deadLetters, config.heldoutCacheRuns()),
                config.rowsPerForward(), config.heldoutTimeout());
        thread = new Thread(this::loop, "evaluator-worker");
        thread.setDaemon(true);
        thread.start();
        LOG.infof("evaluator %s evaluates on %s", config.instanceId(), device);
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.interrupt();
            thread.join(10_000);
            deadLetters.close();
        }
    }

    public void submit(CheckpointSaved checkpoint) {
        queue.add(checkpoint);
    }

    private void loop() {
        while (running) {
            CheckpointSaved c;
            try {
                c = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (book.isEvaluated(c.runId(), c.step())) {
                continue; // a duplicate CheckpointSaved is evaluated once
            }
            try {
                evaluate(c);
            } catch (RuntimeException e) {
                LOG.errorf(e, "run %s: could not publish the evaluation of step %d; retrying later", c.runId(), c.step());
                pauseAndRequeue(c);
            }
        }
    }

    private void evaluate(CheckpointSaved c) {
        long start = System.nanoTime();
        CheckpointEvaluator.Scored scored;
        try {
            scored = evaluator.evaluate(c);
        } catch (Exception e) {
            LOG.warnf("run %s: checkpoint of step %d not evaluated: %s", c.runId(), c.step(), e.getMessage());
            publish(error(c, e.getMessage() == null ? e.toString() : e.getMessage(), seconds(start)));
            return;
        }
        RunSpec spec = scored.spec();
        EarlyStoppingSpec policySpec = spec.earlyStopping();
        EarlyStopping policy = new EarlyStopping(policySpec);
        StopState before = book.state(c.runId());
        double monitored = monitored(policySpec.monitor(), scored.score());
        StopState after = policy.next(before, c.step(), monitored, c.path());
        HeldOutScore s = scored.score();
        Double gap = Double.isFinite(c.trainLoss()) && Double.isFinite(s.loss()) ? s.loss() - c.trainLoss() : null;
        boolean fired = !before.stopped() && after.stopped();
        EvaluationCompleted e = new EvaluationCompleted(c.runId(), Event.newId(), Event.now(), c.step(), c.path(),
                EvaluationStatus.OK, null, s.loss(), s.perplexity(), s.accuracy(), Double.isFinite(c.trainLoss()) ? c.trainLoss() : null,
                gap, s.tokens(), scored.sample(), seconds(start), name(policySpec.monitor()), monitored, after.bestValue(),
                after.bestStep(), after.bestCheckpoint(), after.sinceImprovement(), policy.patienceLeft(after),
                fired ? after.stopReason() : null);
        publish(e);
        if (fired) {
            events.publish(new StopRequested(c.runId(), Event.newId(), Event.now(), after.stopReason(), name(policySpec.monitor()),
                    c.step(), after.bestStep(), after.bestValue(), after.bestCheckpoint(), explain(after, monitored, policySpec)));
            metrics.stopped(after.stopReason());
            LOG.infof("run %s: stop at step %d (%s); best step %d, %s %.4f", c.runId(), c.step(), after.stopReason(),
                    after.bestStep(), name(policySpec.monitor()), after.bestValue());
        }
    }

    private void publish(EvaluationCompleted e) {
        events.publish(e);
        book.evaluationSeen(e, -1);
        metrics.evaluated(e);
    }

    /** An error evaluation carries the unchanged policy state, so the event-sourced state stays right. */
    private EvaluationCompleted error(CheckpointSaved c, String reason, double seconds) {
        StopState s = book.state(c.runId());
        EvaluationCompleted last = book.last(c.runId());
        return new EvaluationCompleted(c.runId(), Event.newId(), Event.now(), c.step(), c.path(), EvaluationStatus.ERROR, reason,
                null, null, null, null, null, 0, null, seconds, last == null ? null : last.monitor(), null, s.bestValue(),
                s.bestStep(), s.bestCheckpoint(), s.sinceImprovement(), last == null ? 0 : last.patienceLeft(), null);
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

    private void pauseAndRequeue(CheckpointSaved c) {
        try {
            Thread.sleep(5000);
            queue.addFirst(c); // first again: a run's checkpoints stay in step order
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
