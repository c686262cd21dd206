package org.overfitguard.trainer.ledger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.messaging.EventLedger;
import org.overfitguard.messaging.KafkaConnection;
import org.overfitguard.trainer.TrainerConfig;

/**
 * Folds the runs, control and evaluations topics of this replica's partitions into the
 * {@link RunBook} (see {@link EventLedger} for the replay and catch-up rules).
 */
@ApplicationScoped
public class RunLedger implements EventLedger.Listener {

    static final String GROUP = "trainer-service";

    @Inject
    RunBook book;
    @Inject
    TrainerConfig config;
    @Inject
    KafkaConnection kafka;

    private EventLedger ledger;

    void start(@Observes StartupEvent ignored) {
        ledger = new EventLedger(kafka, GROUP, config.instanceId(),
                List.of(Topics.RUNS, Topics.CONTROL, Topics.EVALUATIONS), this);
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
