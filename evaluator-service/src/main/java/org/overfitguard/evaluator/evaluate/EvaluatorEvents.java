package org.overfitguard.evaluator.evaluate;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.messaging.EventSender;

/** The evaluator's one outgoing channel: EvaluationCompleted and StopRequested, sent and acknowledged. */
@ApplicationScoped
public class EvaluatorEvents {

    private final EventSender sender;

    @Inject
    public EvaluatorEvents(@Channel("events") Emitter<Event> emitter) {
        this.sender = new EventSender(emitter, "evaluator-service");
    }

    public void publish(Event event) {
        sender.sendAndAwait(event);
    }
}
