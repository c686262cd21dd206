package org.overfitguard.data.stream;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The trainer's step per run, as far as StepMetrics told: what the batch stream's lead is measured against. */
@ApplicationScoped
public class TrainerProgress {

    private final Map<String, Long> steps = new ConcurrentHashMap<>();

    public void reported(String runId, long step) {
        steps.merge(runId, step, Math::max);
    }

    public long step(String runId) {
        return steps.getOrDefault(runId, 0L);
    }

    public void forget(String runId) {
        steps.remove(runId);
    }
}
