package org.overfitguard.messaging.metrics;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * One set of meters per run, tagged with its id, that leaves the registry {@code retention} after
 * the run's last word: the run tag of a long-lived service stays bounded. A set used again before
 * it expires is kept (its removal is put off); one used after it expired is made anew.
 *
 * <pre>
 * meters.update(runId, m -> m.steps.increment());   // creates the set on first use, cancels a pending expiry
 * meters.expireLater(runId);                       // removes it from the registry after retention
 * </pre>
 *
 * @param <M> the meters of one run; {@link Set#meters()} lists what to remove from the registry
 */
public final class PerRunMeters<M extends PerRunMeters.Set> implements AutoCloseable {

    /** The meters of one run, all registered when it is made. */
    public interface Set {
        List<Meter> meters();
    }

    private final MeterRegistry registry;
    private final Duration retention;
    private final BiFunction<MeterRegistry, String, M> create;
    private final Map<String, Held<M>> runs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService janitor;

    /** A run's set, its pending removal, and whether it has left the registry; guarded by itself. */
    private static final class Held<M> {
        final M meters;
        ScheduledFuture<?> removal;
        long generation; // of the removal scheduled last: an older one that fires late does nothing
        boolean removed;

        Held(M meters) {
            this.meters = meters;
        }
    }

    /** {@code create(registry, runId)} registers a run's meters; {@code name} names the expiry thread. */
    public PerRunMeters(MeterRegistry registry, Duration retention, String name, BiFunction<MeterRegistry, String, M> create) {
        this.registry = registry;
        this.retention = retention;
        this.create = create;
        this.janitor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-meters-expiry");
            t.setDaemon(true);
            return t;
        });
    }

    /** Applies {@code change} to the run's meters, made on first use; never to a set that has left the registry. */
    public void update(String runId, Consumer<M> change) {
        while (true) {
            Held<M> h = runs.computeIfAbsent(runId, id -> new Held<>(create.apply(registry, id)));
            synchronized (h) {
                if (!h.removed) {
                    if (h.removal != null) {
                        h.removal.cancel(false);
                        h.removal = null;
                        h.generation++;
                    }
                    change.accept(h.meters);
                    return;
                }
            }
            // expired between the lookup and the lock: the next lookup makes a new set
        }
    }

    /** Removes the run's meters {@code retention} from now, unless it is updated before. */
    public void expireLater(String runId) {
        Held<M> h = runs.get(runId);
        if (h == null) {
            return;
        }
        synchronized (h) {
            if (h.removal != null) {
                h.removal.cancel(false);
            }
            if (h.removed) {
                return;
            }
            if (janitor.isShutdown()) {
                return; // shutting down: the registry goes with the service
            }
            long generation = ++h.generation;
            try {
                h.removal = janitor.schedule(() -> remove(runId, h, generation), retention.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException closing) {
                h.removal = null; // closed meanwhile: the same
            }
        }
    }

    /** Runs whose meters are in the registry. */
    public java.util.Set<String> runs() {
        return java.util.Set.copyOf(runs.keySet());
    }

    private void remove(String runId, Held<M> h, long generation) {
        synchronized (h) {
            if (h.generation != generation || h.removed) {
                return; // used again, or put off, since
            }
            h.removed = true;
            // out of the registry before out of the map: an update that finds the map empty then makes
            // a new set instead of getting the old meters back from the registry
            h.meters.meters().forEach(registry::remove);
            runs.remove(runId, h);
        }
    }

    @Override
    public void close() {
        janitor.shutdownNow();
    }
}
