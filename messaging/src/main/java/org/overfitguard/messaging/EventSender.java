package org.overfitguard.messaging;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.overfitguard.contracts.events.Event;

/**
 * Sends events through a SmallRye emitter and, when asked, blocks until the broker acknowledged
 * them (acks=all): a state change another service acts on is never assumed sent.
 */
public final class EventSender {

    /**
     * Longer than the producer's delivery.timeout.ms (120 s, set on every outgoing channel): the
     * producer gives up first and nacks, so a timeout here never leaves a record that may still
     * be delivered after the caller was told it failed.
     */
    public static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(120);
    private static final Duration ACK_TIMEOUT = DELIVERY_TIMEOUT.plusSeconds(15);

    private final Emitter<Event> emitter;
    private final String service;

    public EventSender(Emitter<Event> emitter, String service) {
        this.emitter = emitter;
        this.service = service;
    }

    /** Sends and waits for the broker's acknowledgement. */
    public void sendAndAwait(Event event) {
        sendAndAwait(event, ACK_TIMEOUT);
    }

    /** Sends and waits at most {@code timeout} for the acknowledgement. */
    public void sendAndAwait(Event event, Duration timeout) {
        try {
            send(event).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending " + event.type(), e);
        } catch (ExecutionException | TimeoutException e) {
            throw new EventNotSentException("could not send " + event.type() + " of run " + event.runId() + ": " + e.getMessage(), e);
        }
    }

    /** Sends; the future completes on the broker's acknowledgement. */
    public CompletableFuture<Void> send(Event event) {
        CompletableFuture<Void> acked = new CompletableFuture<>();
        Message<Event> message = EventMessages.<Event>of(event, service)
                .withAck(() -> {
                    acked.complete(null);
                    return CompletableFuture.completedFuture(null);
                })
                .withNack(failure -> {
                    acked.completeExceptionally(failure);
                    return CompletableFuture.completedFuture(null);
                });
        emitter.send(message);
        return acked;
    }
}
