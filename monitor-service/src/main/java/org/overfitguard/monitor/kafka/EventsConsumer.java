package org.overfitguard.monitor.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.monitor.api.RunChanges;
import org.overfitguard.monitor.history.RunsView;
import org.overfitguard.monitor.metrics.MonitorMetrics;

/**
 * Every event of every event topic: folded into the run's history, then its meters updated and the
 * dashboards told. A record that is not an event never gets here: the connector parks it on
 * dead-letters (see application.properties). Nothing here blocks.
 */
@ApplicationScoped
public class EventsConsumer {

    @Inject
    RunsView runs;
    @Inject
    MonitorMetrics metrics;
    @Inject
    RunChanges changes;

    @Incoming(Topics.RUNS)
    public void runs(Event event) {
        apply(event);
    }

    @Incoming(Topics.TRAIN_METRICS)
    public void trainMetrics(Event event) {
        apply(event);
    }

    @Incoming(Topics.CHECKPOINTS)
    public void checkpoints(Event event) {
        apply(event);
    }

    @Incoming(Topics.EVALUATIONS)
    public void evaluations(Event event) {
        apply(event);
    }

    @Incoming(Topics.CONTROL)
    public void control(Event event) {
        apply(event);
    }

    private void apply(Event event) {
        runs.apply(event).ifPresent(run -> {
            metrics.record(run, event);
            changes.changed(run);
        });
    }
}
