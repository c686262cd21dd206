package org.overfitguard.evaluator.evaluate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.evaluator.EvaluatorConfig;

/**
 * evaluator.heldout.loss, evaluator.perplexity, evaluator.accuracy, evaluator.gap,
 * evaluator.best.value, evaluator.patience.left (gauges) and evaluator.evaluation.time (timer),
 * tagged by run; evaluator.stops (counter) tagged by reason. A run's meters go some time after its
 * last evaluation, which bounds the run tag.
 */
@ApplicationScoped
public class EvaluatorMetrics {

    private static final String[] GAUGES = {"evaluator.heldout.loss", "evaluator.perplexity", "evaluator.accuracy",
        "evaluator.gap", "evaluator.best.value", "evaluator.patience.left"};

    private final MeterRegistry registry;
    private final Duration retention;
    private final Map<String, RunMeters> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "evaluator-metrics-expiry");
        t.setDaemon(true);
        return t;
    });

    @Inject
    public EvaluatorMetrics(MeterRegistry registry, EvaluatorConfig config) {
        this.registry = registry;
        this.retention = config.metricsRetention();
    }

    void evaluated(EvaluationCompleted e) {
        RunMeters m = runs.computeIfAbsent(e.runId(), id -> new RunMeters(registry, id));
        m.values.set(new double[] {value(e.heldOutLoss()), value(e.perplexity()), value(e.accuracy()), value(e.gap()),
            value(e.bestValue()), e.patienceLeft()});
        m.time.record(Duration.ofNanos((long) (e.evalSeconds() * 1e9)));
        m.expiry(janitor, retention, () -> {
            runs.remove(e.runId());
            m.meters.forEach(registry::remove);
        });
    }

    void stopped(StopReason reason) {
        registry.counter("evaluator.stops", Tags.of("reason", reason.name().toLowerCase())).increment();
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static final class RunMeters {
        final AtomicReference<double[]> values = new AtomicReference<>(new double[GAUGES.length]);
        final Timer time;
        final List<Meter> meters = new ArrayList<>();
        private ScheduledFuture<?> removal;

        RunMeters(MeterRegistry registry, String runId) {
            Tags tags = Tags.of("run", runId);
            for (int i = 0; i < GAUGES.length; i++) {
                int index = i;
                meters.add(Gauge.builder(GAUGES[i], values, v -> v.get()[index]).tags(tags).register(registry));
            }
            time = Timer.builder("evaluator.evaluation.time").description("time to evaluate one checkpoint").tags(tags)
                    .register(registry);
            meters.add(time);
        }

        synchronized void expiry(ScheduledExecutorService janitor, Duration after, Runnable remove) {
            if (removal != null) {
                removal.cancel(false);
            }
            removal = janitor.schedule(remove, after.toMillis(), TimeUnit.MILLISECONDS);
        }
    }
}
