package org.overfitguard.trainer.training;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.overfitguard.lm.train.StepResult;
import org.overfitguard.messaging.metrics.PerRunMeters;
import org.overfitguard.trainer.TrainerConfig;

/**
 * Micrometer meters of training, tagged by run: trainer.steps, trainer.tokens (counters),
 * trainer.step.time (timer), trainer.loss, trainer.cross.entropy, trainer.learning.rate,
 * trainer.grad.norm, trainer.tokens.per.second (gauges). A run's meters are removed
 * trainer.metrics-retention after it ends, so the run tag stays bounded.
 */
@ApplicationScoped
public class TrainerMetrics {

    private final PerRunMeters<RunMeters> runs;

    @Inject
    public TrainerMetrics(MeterRegistry registry, TrainerConfig config) {
        this.runs = new PerRunMeters<>(registry, config.metricsRetention(), "trainer", RunMeters::new);
    }

    void step(String runId, StepResult r, double tokensPerSecond) {
        runs.update(runId, m -> {
            m.steps.increment();
            m.tokens.increment(r.tokens());
            m.stepTime.record(Duration.ofNanos((long) (r.seconds() * 1e9)));
            m.last.set(new double[] {r.loss(), r.crossEntropy(), r.learningRate(), r.gradNorm(), tokensPerSecond});
        });
    }

    void ended(String runId) {
        runs.expireLater(runId);
    }

    @PreDestroy
    void stop() {
        runs.close();
    }

    private static final class RunMeters implements PerRunMeters.Set {
        final AtomicReference<double[]> last = new AtomicReference<>(new double[5]);
        final Counter steps;
        final Counter tokens;
        final Timer stepTime;
        final List<Meter> meters;

        RunMeters(MeterRegistry registry, String runId) {
            Tags tags = Tags.of("run", runId);
            steps = Counter.builder("trainer.steps").description("training steps done").tags(tags).register(registry);
            tokens = Counter.builder("trainer.tokens").description("tokens trained").baseUnit("tokens").tags(tags).register(registry);
            stepTime = Timer.builder("trainer.step.time").description("compute time of one step").tags(tags).register(registry);
            meters = List.of(steps, tokens, stepTime,
                    gauge(registry, "trainer.loss", "training objective, last step", tags, 0),
                    gauge(registry, "trainer.cross.entropy", "plain training cross-entropy, last step", tags, 1),
                    gauge(registry, "trainer.learning.rate", "learning rate, last step", tags, 2),
                    gauge(registry, "trainer.grad.norm", "global gradient norm before clipping, last step", tags, 3),
                    gauge(registry, "trainer.tokens.per.second", "training throughput over the last steps", tags, 4));
        }

        @Override
        public List<Meter> meters() {
            return meters;
        }

        private Gauge gauge(MeterRegistry registry, String name, String description, Tags tags, int index) {
            return Gauge.builder(name, last, l -> l.get()[index]).description(description).tags(tags).register(registry);
        }
    }
}
