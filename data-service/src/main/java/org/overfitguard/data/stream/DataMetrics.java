package org.overfitguard.data.stream;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.overfitguard.text.augment.AugmentationCounts;

/**
 * data.batches.produced, data.tokens.produced and data.augmentations (kind = synonym, deletion,
 * swap, reorder, span_deletion, token_mask) counters and the data.lead.batches gauge, tagged by run.
 * A run's meters go when its stream ends.
 */
@ApplicationScoped
public class DataMetrics {

    @Inject
    MeterRegistry registry;

    private final Map<String, AtomicLong> leads = new ConcurrentHashMap<>();

    void produced(String runId, int tokens, AugmentationCounts counts) {
        Tags run = Tags.of("run", runId);
        registry.counter("data.batches.produced", run).increment();
        Counter.builder("data.tokens.produced").baseUnit("tokens").tags(run).register(registry).increment(tokens);
        augmentation(run, "synonym", counts.synonyms());
        augmentation(run, "deletion", counts.deletions());
        augmentation(run, "swap", counts.swaps());
        augmentation(run, "reorder", counts.reorders());
        augmentation(run, "span_deletion", counts.spanDeletions());
        augmentation(run, "token_mask", counts.masked());
    }

    private void augmentation(Tags run, String kind, long count) {
        if (count > 0) {
            registry.counter("data.augmentations", run.and("kind", kind)).increment(count);
        }
    }

    void lead(String runId, long batchesAhead) {
        leads.computeIfAbsent(runId, id -> {
            AtomicLong value = new AtomicLong();
            Gauge.builder("data.lead.batches", value, AtomicLong::get).description("batches produced ahead of the trainer")
                    .tags("run", id).register(registry);
            return value;
        }).set(batchesAhead);
    }

    void ended(String runId) {
        if (leads.remove(runId) != null) {
            registry.find("data.lead.batches").tag("run", runId).meters().forEach(registry::remove);
        }
    }
}
