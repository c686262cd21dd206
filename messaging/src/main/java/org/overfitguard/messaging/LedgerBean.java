package org.overfitguard.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;

/**
 * A service's {@link EventLedger} as a bean: started with the application, closed with it. A
 * subclass names its consumer group, instance and topics, and folds the events it is handed.
 */
public abstract class LedgerBean implements EventLedger.Listener {

    @Inject
    KafkaConnection kafka;

    private EventLedger ledger;

    /** The consumer group: one per service. */
    protected abstract String group();

    /** This replica's name (static group membership). */
    protected abstract String instanceId();

    /** Co-partitioned topics; the first one's partitions are reported on revocation. */
    protected abstract List<String> topics();

    protected void start(@Observes StartupEvent ignored) {
        ledger = new EventLedger(kafka, group(), instanceId(), topics(), this);
        ledger.start();
    }

    protected void stop(@Observes ShutdownEvent ignored) {
        if (ledger != null) {
            ledger.close();
        }
    }
}
