package org.overfitguard.monitor.history;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.monitor.MonitorConfig;

/**
 * The read model behind the dashboard: every run seen on any topic, by id. Memory stays bounded:
 * each run's history is thinned past {@code monitor.history-limit} points, and past
 * {@code monitor.max-runs} runs the least recently updated finished runs are forgotten.
 */
@ApplicationScoped
public class RunsView {

    private final Map<String, RunHistory> runs = new ConcurrentHashMap<>();
    private final MonitorConfig config;

    @Inject
    public RunsView(MonitorConfig config) {
        this.config = config;
    }

    /** Folds the event into its run's history: the run, or empty when the event was already applied. */
    public Optional<RunHistory> apply(Event event) {
        RunHistory run = runs.computeIfAbsent(event.runId(), id -> new RunHistory(id, config.historyLimit()));
        if (!run.apply(event)) {
            return Optional.empty();
        }
        if (runs.size() > config.maxRuns()) {
            forgetOldestFinished();
        }
        return Optional.of(run);
    }

    public Optional<RunHistory> find(String runId) {
        return Optional.ofNullable(runs.get(runId));
    }

    /** Every run, the most recently updated first. */
    public List<RunSummary> summaries() {
        return runs.values().stream().map(RunHistory::summary)
                .sorted(Comparator.comparing(RunSummary::updatedAt).reversed().thenComparing(RunSummary::runId))
                .toList();
    }

    private void forgetOldestFinished() {
        runs.values().stream().filter(r -> r.state().finished())
                .min(Comparator.comparing(RunHistory::updatedAt))
                .ifPresent(r -> runs.remove(r.runId(), r));
    }
}
