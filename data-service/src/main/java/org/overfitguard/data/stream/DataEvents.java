package org.overfitguard.data.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.messaging.EventSender;

/** data-service's one outgoing channel: DatasetPrepared and RunFailed, sent and acknowledged. */
@ApplicationScoped
public class DataEvents {

    static final String SERVICE = "data-service";

    private final EventSender sender;

    @Inject
    public DataEvents(@Channel("events") Emitter<Event> emitter) {
        this.sender = new EventSender(emitter, SERVICE);
    }

    public void publish(Event event) {
        sender.sendAndAwait(event);
    }
}
