package org.overfitguard.monitor.api;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.operators.multi.processors.BroadcastProcessor;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.overfitguard.monitor.history.RunHistory;

/**
 * Tells live dashboards which runs changed. A busy run changes many times a second, so each
 * subscriber gets at most one message per run every {@link #COALESCE}.
 */
@ApplicationScoped
public class RunChanges {

    static final Duration COALESCE = Duration.ofMillis(500);

    private final BroadcastProcessor<RunChanged> processor = BroadcastProcessor.create();

    /** Called by the consumers of every topic; serialized, as a processor's items must be. */
    public synchronized void changed(RunHistory run) {
        processor.onNext(new RunChanged(run.runId(), run.state().label(), run.step()));
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
