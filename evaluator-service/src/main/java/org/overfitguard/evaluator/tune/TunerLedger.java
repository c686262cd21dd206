package org.overfitguard.evaluator.tune;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import org.overfitguard.contracts.Topics;
import org.overfitguard.evaluator.EvaluatorConfig;
import org.overfitguard.messaging.EventLedger;
import org.overfitguard.messaging.LedgerBean;

/**
 * The tuner's ledger: topic tuning, replayed from the start on every assignment, in a consumer
 * group of its own (the evaluator's ledger reads other topics, keyed by run id; tuning is keyed by
 * sweep id). Each replica tunes the sweeps of its partitions of tuning.
 */
@ApplicationScoped
public class TunerLedger extends LedgerBean {

    @Inject
    TunerBook book;
    @Inject
    EvaluatorConfig config;

    @Override
    protected String group() {
        return super.group() + "-tuner";
    }

    @Override
    protected String instanceId() {
        return config.instanceId();
    }

    @Override
    protected List<String> topics() {
        return List.of(Topics.TUNING);
    }

    @Override
    protected EventLedger.Listener book() {
        return book;
    }
}
