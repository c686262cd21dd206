package org.overfitguard.evaluator.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.evaluator.EvaluatorConfig;
import org.overfitguard.evaluator.evaluate.EvaluationWorker;
import org.overfitguard.messaging.LedgerBean;

/**
 * Reads checkpoints and evaluations of this replica's partitions (co-partitioned by run id),
 * replayed from the beginning on every start: the early-stopping state is event-sourced from
 * evaluations, and checkpoints without an evaluation are evaluated once caught up.
 */
@ApplicationScoped
public class EvaluatorLedger extends LedgerBean {

    @Inject
    EvaluationBook book;
    @Inject
    EvaluationWorker worker;
    @Inject
    EvaluatorConfig config;

    @Override
    protected String group() {
        return "evaluator-service";
    }

    @Override
    protected String instanceId() {
        return config.instanceId();
    }

    @Override
    protected List<String> topics() {
        return List.of(Topics.CHECKPOINTS, Topics.EVALUATIONS);
    }

    @Override
    public void onEvent(Event event, int partition) {
        if (event instanceof CheckpointSaved c && book.checkpointSeen(c, partition)) {
            worker.submit(c);
        } else if (event instanceof EvaluationCompleted e) {
            book.evaluationSeen(e, partition);
        }
    }

    @Override
    public void onCaughtUp(boolean caughtUp) {
        book.setCaughtUp(caughtUp).forEach(worker::submit);
    }

    @Override
    public void onRevoked(Set<Integer> partitions) {
        book.forgetPartitions(partitions);
    }
}
