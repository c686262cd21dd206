package org.overfitguard.data.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StepMetrics;

/** Feeds the trainer's progress (StepMetrics) to flow control. */
@ApplicationScoped
public class TrainMetricsConsumer {

    @Inject
    TrainerProgress progress;

    @Incoming(Topics.TRAIN_METRICS)
    public void consume(Event event) {
        if (event instanceof StepMetrics m) {
            progress.reported(m.runId(), m.step());
        }
    }
}
