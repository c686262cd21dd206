package org.overfitguard.monitor.api;

import io.quarkus.runtime.ShutdownDelayInitiatedEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.overfitguard.monitor.history.RunHistory;

/**
 * Tells live dashboards which runs changed. A busy run changes many times a second, so each
 * subscriber gets at most one message per run every {@link #COALESCE}. The streams end when
 * shutdown begins: an open stream is an active request, which Quarkus would otherwise wait out
 * for the whole shutdown timeout (the dashboard reconnects to the next instance by itself).
 */
@ApplicationScoped
public class RunChanges {

    static final Duration COALESCE = Duration.ofMillis(500);

    private final BroadcastProcessor<RunChanged> processor = BroadcastProcessor.create();
    private final AtomicInteger clients = new AtomicInteger();
    private boolean closed;

    /** Takes a place for one more live dashboard, if fewer than {@code max} are open. */
    public boolean tryOpen(int max) {
        while (true) {
            int n = clients.get();
            if (n >= max) {
                return false;
            }
            if (clients.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /** Gives a place back (the stream ended, or its client went away). */
    public void closed() {
        clients.decrementAndGet();
    }

    public int clients() {
        return clients.get();
    }

    /** Called by the consumers of every topic; serialized, as a processor's items must be. */
    public synchronized void changed(RunHistory run) {
        if (!closed) {
            processor.onNext(new RunChanged(run.runId(), run.state().label(), run.step()));
        }
    }

    /** Fired before Quarkus waits for active requests (needs quarkus.shutdown.delay-enabled). */
    synchronized void close(@Observes ShutdownDelayInitiatedEvent ignored) {
        closed = true;
        processor.onComplete();
    }

    /** The changes from now on, coalesced per run. */
    public Multi<RunChanged> stream() {
        return processor.group().intoLists().every(COALESCE)
                .filter(batch -> !batch.isEmpty())
                .onItem().transformToIterable(RunChanges::lastPerRun);
    }

    private static List<RunChanged> lastPerRun(List<RunChanged> batch) {
        Map<String, RunChanged> last = new LinkedHashMap<>();
        batch.forEach(c -> last.put(c.runId(), c));
        return List.copyOf(last.values());
    }
}
