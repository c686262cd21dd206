package org.overfitguard.trainer.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.messaging.LedgerBean;
import org.overfitguard.trainer.TrainerConfig;

/**
 * Folds the runs, control and evaluations topics of this replica's partitions into the
 * {@link RunBook} (see {@link org.overfitguard.messaging.EventLedger} for the replay and catch-up rules).
 */
@ApplicationScoped
public class RunLedger extends LedgerBean {

    @Inject
    RunBook book;
    @Inject
    TrainerConfig config;

    @Override
    protected String group() {
        return "trainer-service";
    }

    @Override
    protected String instanceId() {
        return config.instanceId();
    }

    @Override
    protected List<String> topics() {
        return List.of(Topics.RUNS, Topics.CONTROL, Topics.EVALUATIONS);
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
