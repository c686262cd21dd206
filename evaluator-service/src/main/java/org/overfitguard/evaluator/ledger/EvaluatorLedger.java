package org.overfitguard.evaluator.ledger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Set;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.CheckpointSaved;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStarted;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.evaluator.EvaluatorConfig;
import org.overfitguard.evaluator.evaluate.EvaluationWorker;
import org.overfitguard.messaging.EventLedger;
import org.overfitguard.messaging.LedgerBean;

/**
 * Reads checkpoints, evaluations and runs of this replica's partitions (co-partitioned by run id),
 * replayed from the beginning on every start: the early-stopping state is event-sourced from
 * evaluations, checkpoints without an evaluation are evaluated once caught up, and runs say which
 * runs are trials of an ASHA sweep (their results go on to the tuner). Its own book:
 * folding also hands new checkpoints to the {@link EvaluationWorker}.
 */
@ApplicationScoped
public class EvaluatorLedger extends LedgerBean implements EventLedger.Listener {

    @Inject
    EvaluationBook book;
    @Inject
    EvaluationWorker worker;
    @Inject
    EvaluatorConfig config;

    @Override
    protected String instanceId() {
        return config.instanceId();
    }

    @Override
    protected List<String> topics() {
        return List.of(Topics.CHECKPOINTS, Topics.EVALUATIONS, Topics.RUNS);
    }

    @Override
    protected EventLedger.Listener book() {
        return this;
    }

    @Override
    public void apply(Event event, int partition) {
        if (event instanceof CheckpointSaved c && book.checkpointSeen(c, partition)) {
            worker.submit(c);
        } else if (event instanceof EvaluationCompleted e) {
            book.evaluationSeen(e, partition);
        } else if (event instanceof EvaluationStarted e) {
            book.evaluationStarted(e, partition);
        } else if (event instanceof RunRequested r) {
            book.requested(r, partition);
        } else if (event instanceof RunCompleted || event instanceof RunFailed) {
            String reason = event instanceof RunCompleted c ? c.reason().name().toLowerCase(java.util.Locale.ROOT) : "failed";
            TrialEnded end = book.ended(event.runId(), reason);
            if (end != null) {
                worker.forwardEnd(end);
            }
        }
    }

    @Override
    public void setCaughtUp(boolean caughtUp) {
        book.setCaughtUp(caughtUp).forEach(worker::submit);
        if (caughtUp) {
            book.lastTrialResults().values().forEach(worker::forwardAgain);
            book.owedStops().forEach(worker::stopAgain);
            book.trialEndsOfOpenSweeps().forEach(worker::forwardEnd);
        }
    }

    @Override
    public void forgetPartitions(Set<Integer> partitions) {
        book.forgetPartitions(partitions);
    }
}
