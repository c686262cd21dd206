package org.overfitguard.trainer.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.overfitguard.contracts.Topics;
import org.overfitguard.messaging.EventLedger;
import org.overfitguard.messaging.LedgerBean;
import org.overfitguard.trainer.TrainerConfig;

/**
 * Folds the runs, control and evaluations topics of this replica's partitions into the
 * {@link RunBook} (see {@link EventLedger} for the replay and catch-up rules).
 */
@ApplicationScoped
public class RunLedger extends LedgerBean {

    @Inject
    RunBook book;
    @Inject
    TrainerConfig config;

    @Override
    protected String instanceId() {
        return config.instanceId();
    }

    @Override
    protected List<String> topics() {
        return List.of(Topics.RUNS, Topics.CONTROL, Topics.EVALUATIONS);
    }

    @Override
    protected EventLedger.Listener book() {
        return book;
    }
}
