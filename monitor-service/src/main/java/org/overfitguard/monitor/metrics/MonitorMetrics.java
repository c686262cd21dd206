package org.overfitguard.monitor.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.monitor.MonitorConfig;
import org.overfitguard.monitor.history.RunHistory;
import org.overfitguard.monitor.history.RunState;

/**
 * The Micrometer meters of every run, tagged run=&lt;runId&gt; (see the README for each name's meaning):
 * gauges overfit.train.loss, overfit.train.objective, overfit.heldout.loss, overfit.perplexity,
 * overfit.accuracy, overfit.gap, overfit.best.value, overfit.best.step, overfit.patience.left,
 * overfit.step, overfit.steps.per.second, overfit.tokens.per.second, overfit.learning.rate and
 * overfit.run.state (1, tagged with the current state only); counters overfit.stops (tag reason)
 * and overfit.dead.letters (tags topic, consumer).
 *
 * <p>A run's gauges appear with its first value and are set from its whole history at every event,
 * so the order in which topics deliver does not matter. They are removed {@code monitor.run-retention}
 * after the run finished; an event that arrives later brings them back for another retention period.
 */
@ApplicationScoped
public class MonitorMetrics {

    private final MeterRegistry registry;
    private final Duration retention;
    private final Map<String, RunMeters> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "monitor-metrics-expiry");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public MonitorMetrics(MeterRegistry registry, MonitorConfig config) {
        this.registry = registry;
        this.retention = config.runRetention();
    }

    /** Brings the run's meters up to date after {@code event} was folded into {@code run}. */
    public void record(RunHistory run, Event event) {
        if (event instanceof StopRequested stop) {
            Counter.builder("overfit.stops").description("early stops requested by the evaluator, by reason")
                    .tag("reason", stop.reason().name().toLowerCase(Locale.ROOT)).register(registry).increment();
        }
        while (true) {
            RunMeters m = runs.computeIfAbsent(run.runId(), RunMeters::new);
            synchronized (m) {
                if (!m.removed) {
                    update(m, run);
                    return;
                }
            }
        }
    }

    /** Counts a record that reached the dead-letter topic, by the topic it came from and the consumer that refused it. */
    /** The consumers that dead-letter: the four services' groups and their plain-client consumers. */
    static final Set<String> CONSUMERS = Set.of("trainer-service", "data-service", "evaluator-service", "monitor-service",
            "trainer-service-batches", "evaluator-service-heldout");

    public void deadLetter(String originTopic, String consumer) {
        String c = consumer == null || consumer.isBlank() ? "unknown" : CONSUMERS.contains(consumer) ? consumer : "other";
        Counter.builder("overfit.dead.letters").description("records parked on the dead-letter topic")
                .tags("topic", TopicLabel.bounded(originTopic), "consumer", c)
                .register(registry).increment();
    }

    private void update(RunMeters m, RunHistory run) {
        StepMetrics step = run.lastStep();
        if (step != null) {
            m.set("overfit.train.loss", "plain training cross-entropy of the last step metrics, nats per token", step.crossEntropy());
            m.set("overfit.train.objective", "training objective (label-smoothed when on) of the last step metrics", step.loss());
            m.set("overfit.learning.rate", "learning rate of the last step", step.learningRate());
            m.set("overfit.tokens.per.second", "training throughput reported by the trainer", step.tokensPerSecond());
        }
        if (step != null || run.step() > 0) {
            m.set("overfit.step", "steps trained", (double) run.step());
        }
        double stepsPerSecond = run.stepsPerSecond();
        if (!Double.isNaN(stepsPerSecond)) {
            m.set("overfit.steps.per.second", "training steps per second between the last two step metrics", stepsPerSecond);
        }
        EvaluationCompleted ok = run.lastOkEvaluation();
        if (ok != null) {
            m.set("overfit.heldout.loss", "held-out cross-entropy of the last evaluation, nats per token", ok.heldOutLoss());
            m.set("overfit.perplexity", "held-out perplexity of the last evaluation", ok.perplexity());
            m.set("overfit.accuracy", "held-out token accuracy of the last evaluation, 0..1", ok.accuracy());
            m.set("overfit.gap", "generalization gap: held-out loss minus training loss at the last evaluation", ok.gap());
        }
        EvaluationCompleted last = run.lastEvaluation();
        if (last != null) {
            m.set("overfit.best.value", "best value so far of the monitored metric (held-out loss by default)", last.bestValue());
            m.set("overfit.patience.left", "evaluations left before early-stopping patience is exhausted", (double) last.patienceLeft());
        }
        Long bestStep = run.bestStep();
        if (bestStep != null) {
            m.set("overfit.best.step", "step of the best evaluation (of the final model once completed)", bestStep.doubleValue());
        }
        RunState state = run.state();
        m.state(state);
        if (state.finished() && !m.expiring) {
            m.expiring = true;
            janitor.schedule(() -> expire(m), retention.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    private void expire(RunMeters m) {
        synchronized (m) {
            m.removed = true;
            runs.remove(m.runId, m);
            m.meters.values().forEach(registry::remove);
        }
    }

    @PreDestroy
    void stop() {
        janitor.shutdownNow();
    }

    /** The meters of one run; guarded by its own monitor. */
    private final class RunMeters {
        final String runId;
        final Tags tags;
        final Map<String, Double> values = new ConcurrentHashMap<>();
        final Map<String, Meter> meters = new ConcurrentHashMap<>();
        RunState state;
        boolean expiring;
        boolean removed;

        RunMeters(String runId) {
            this.runId = runId;
            this.tags = Tags.of("run", runId);
        }

        void set(String name, String description, Double value) {
            if (value == null) {
                return;
            }
            values.put(name, value);
            meters.computeIfAbsent(name, n -> Gauge.builder(n, values, v -> v.getOrDefault(n, Double.NaN))
                    .description(description).tags(tags).strongReference(true).register(registry));
        }

        /** Exactly one overfit.run.state series per run: the current state's, at 1. */
        void state(RunState now) {
            if (now == state) {
                return;
            }
            Meter old = meters.remove("overfit.run.state");
            if (old != null) {
                registry.remove(old);
            }
            meters.put("overfit.run.state", Gauge.builder("overfit.run.state", () -> 1)
                    .description("1 for the run's current state (pending, running, paused, completed, cancelled, failed)")
                    .tags(tags.and("state", now.label())).register(registry));
            state = now;
        }
    }
}
