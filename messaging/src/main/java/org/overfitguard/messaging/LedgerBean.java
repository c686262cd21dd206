package org.overfitguard.messaging;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.overfitguard.messaging.supervision.Loops;

/**
 * A service's {@link EventLedger} as a bean: started with the application, closed with it. The
 * consumer group is the application's name (one group per service and ledger); a subclass names this
 * replica, the topics, and the book the events are folded into. Its loop counts in the service's
 * liveness check.
 */
public abstract class LedgerBean {

    @Inject
    KafkaConnection kafka;
    @ConfigProperty(name = "quarkus.application.name")
    String group;
    @Inject
    Loops loops;

    private EventLedger ledger;

    /** This replica's name (static group membership). */
    protected abstract String instanceId();

    /** Co-partitioned topics; the first one's partitions are reported on revocation. */
    protected abstract List<String> topics();

    /** Where the events go. */
    protected abstract EventLedger.Listener book();

    /** The consumer group: the application's name, unless a service runs a second ledger beside its first. */
    protected String group() {
        return group;
    }

    protected void start(@Observes StartupEvent ignored) {
        ledger = new EventLedger(kafka, group(), instanceId(), topics(), book());
        loops.start(ledger.loop());
    }

    /** For the readiness check: whether this ledger has read its first assignment to its end. */
    public boolean replayed() {
        return ledger != null && ledger.replayed();
    }

    /** For the readiness check's data. */
    public String name() {
        return group() + " ledger";
    }

    protected void stop(@Observes ShutdownEvent ignored) {
        if (ledger != null) {
            ledger.close();
        }
    }
}
