package org.overfitguard.trainer.training;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.overfitguard.lm.train.StepResult;

/** What this replica's training loop is doing right now, for GET /runs. */
@ApplicationScoped
public class LiveRuns {

    /**
     * @param step            steps done
     * @param loss            training objective of the last step
     * @param crossEntropy    plain cross-entropy of the last step
     * @param tokensPerSecond throughput over the last metrics window
     * @param device          where it trains
     */
    public record Progress(long step, Double loss, Double crossEntropy, Double tokensPerSecond, String device, boolean active) {
    }

    private final Map<String, Progress> progress = new ConcurrentHashMap<>();

    void started(String runId, long step, String device) {
        progress.put(runId, new Progress(step, null, null, null, device, true));
    }

    void stepped(String runId, StepResult r, double tokensPerSecond) {
        progress.computeIfPresent(runId, (id, p) -> new Progress(r.step(), r.loss(), r.crossEntropy(),
                tokensPerSecond > 0 ? tokensPerSecond : p.tokensPerSecond(), p.device(), true));
    }

    void ended(String runId) {
        progress.computeIfPresent(runId, (id, p) -> new Progress(p.step(), p.loss(), p.crossEntropy(), p.tokensPerSecond(),
                p.device(), false));
    }

    public Optional<Progress> of(String runId) {
        return Optional.ofNullable(progress.get(runId));
    }
}
