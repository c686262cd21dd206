package org.overfitguard.data.stream;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.data.DataConfig;
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
    protected String group() {
        return "data-service";
    }

    @Override
    protected String instanceId() {
        return config.instanceId();
    }

    @Override
    protected List<String> topics() {
        return List.of(Topics.RUNS, Topics.CONTROL);
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
