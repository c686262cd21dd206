package org.overfitguard.data.stream;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.data.DataConfig;
import org.overfitguard.messaging.EventLedger;
import org.overfitguard.messaging.KafkaConnection;

/**
 * Folds runs and control of this replica's partitions into the {@link StreamBook}, replaying them on
 * every start, so a restarted data-service knows which streams to carry on.
 */
@ApplicationScoped
public class DataLedger implements EventLedger.Listener {

    static final String GROUP = "data-service";

    @Inject
    StreamBook book;
    @Inject
    DataConfig config;
    @Inject
    KafkaConnection kafka;

    private EventLedger ledger;

    void start(@Observes StartupEvent ignored) {
        ledger = new EventLedger(kafka, GROUP, config.instanceId(), List.of(Topics.RUNS, Topics.CONTROL), this);
        ledger.start();
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (ledger != null) {
            ledger.close();
        }
    }

    @Override
    public void onEvent(Event event, int partition) {
        book.apply(event, partition);
    }

    @Override
    public void onCaughtUp(boolean caughtUp) {
        book.setCaughtUp(caughtUp);
    }

    @Override
    public void onRevoked(Set<Integer> partitions) {
        book.forgetPartitions(partitions);
    }
}
