package org.overfitguard.trainer.training;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.OnOverflow;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.messaging.EventSender;

/** The trainer's one outgoing channel: every event it publishes, each on its own topic. */
@ApplicationScoped
public class TrainerEvents {

    static final String SERVICE = "trainer-service";

    private final EventSender sender;

    @Inject
    public TrainerEvents(@Channel("events") @OnOverflow(value = OnOverflow.Strategy.BUFFER, bufferSize = 4096) Emitter<Event> emitter) {
        this.sender = new EventSender(emitter, SERVICE);
    }

    /** For state changes others act on: returns once the broker has it. */
    public void publish(Event event) {
        sender.sendAndAwait(event);
    }

    /** For progress reports: fire and forget (a lost StepMetrics costs a chart point, nothing more). */
    public void report(Event event) {
        sender.send(event);
    }
}
