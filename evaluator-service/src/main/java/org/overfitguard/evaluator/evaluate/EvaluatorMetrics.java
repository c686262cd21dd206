package org.overfitguard.evaluator.evaluate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.evaluator.EvaluatorConfig;
import org.overfitguard.messaging.metrics.PerRunMeters;

/**
 * evaluator.heldout.loss, evaluator.perplexity, evaluator.accuracy, evaluator.gap,
 * evaluator.best.value, evaluator.patience.left (gauges) and evaluator.evaluation.time (timer),
 * tagged by run; evaluator.stops (counter) tagged by reason. A run's meters go
 * evaluator.metrics-retention after its last evaluation, which bounds the run tag.
 */
@ApplicationScoped
public class EvaluatorMetrics {

    private static final String[] GAUGES = {"evaluator.heldout.loss", "evaluator.perplexity", "evaluator.accuracy",
        "evaluator.gap", "evaluator.best.value", "evaluator.patience.left"};

    private final MeterRegistry registry;
    private final PerRunMeters<RunMeters> runs;

    @Inject
    public EvaluatorMetrics(MeterRegistry registry, EvaluatorConfig config) {
        this.registry = registry;
        this.runs = new PerRunMeters<>(registry, config.metricsRetention(), "evaluator", RunMeters::new);
    }

    void evaluated(EvaluationCompleted e) {
        runs.update(e.runId(), m -> {
            m.values.set(new double[] {value(e.heldOutLoss()), value(e.perplexity()), value(e.accuracy()), value(e.gap()),
                value(e.bestValue()), e.patienceLeft()});
            m.time.record(Duration.ofNanos((long) (e.evalSeconds() * 1e9)));
        });
        runs.expireLater(e.runId());
    }

    public void stopped(StopReason reason) {
        registry.counter("evaluator.stops", Tags.of("reason", reason.name().toLowerCase())).increment();
    }

    @PreDestroy
    void stop() {
        runs.close();
    }

    private static double value(Double d) {
        return d == null ? Double.NaN : d;
    }

    private static final class RunMeters implements PerRunMeters.Set {
        final AtomicReference<double[]> values = new AtomicReference<>(new double[GAUGES.length]);
        final Timer time;
        final List<Meter> meters = new ArrayList<>();

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

        @Override
        public List<Meter> meters() {
            return meters;
        }
    }
}
