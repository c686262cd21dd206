package org.overfitguard.trainer.training;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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

    /** The same, waiting at most {@code timeout} (then throws; the event may still arrive). */
    public void publish(Event event, Duration timeout) {
        sender.sendAndAwait(event, timeout);
    }

    /**
     * For progress reports: not waited for at each step. The run waits for the reports of an interval
     * before it announces the interval's checkpoint ({@link #awaitReports}), so a crash loses none: the
     * steps after the checkpoint are trained, and reported, again.
     */
    public CompletableFuture<Void> report(Event event) {
        return sender.send(event);
    }

    /** Waits until the broker has every report in {@code pending}, then forgets them. */
    public void awaitReports(List<CompletableFuture<Void>> pending) {
        try {
            CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).get(EventSender.DELIVERY_TIMEOUT.toSeconds() + 15,
                    TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for step reports", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("step reports were not delivered: " + e.getMessage(), e);
        }
        pending.clear();
    }
}
