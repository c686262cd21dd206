package org.overfitguard.data.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.overfitguard.contracts.Topics;
import org.overfitguard.data.DataConfig;
import org.overfitguard.messaging.EventLedger;
import org.overfitguard.messaging.LedgerBean;

/**
 * Folds runs and control of this replica's partitions into the {@link StreamBook}, replaying them on
 * every start, so a restarted data-service knows which streams to carry on.
 */
@ApplicationScoped
public class DataLedger extends LedgerBean {

    @Inject
    StreamBook book;
    @Inject
    DataConfig config;

    @Override
    protected String instanceId() {
        return config.instanceId();
    }

    @Override
    protected List<String> topics() {
        return List.of(Topics.RUNS, Topics.CONTROL);
    }

    @Override
    protected EventLedger.Listener book() {
        return book;
    }
}
