package org.overfitguard.evaluator.tune;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Locale;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.events.TrialDecision;
import org.overfitguard.contracts.events.TrialEvaluated;
import org.overfitguard.contracts.events.TrialJudgedBuilder;
import org.overfitguard.contracts.events.TrialPromotedBuilder;
import org.overfitguard.evaluator.evaluate.EvaluatorEvents;
import org.overfitguard.evaluator.evaluate.EvaluatorMetrics;
import org.overfitguard.evaluator.policy.Asha;
import org.overfitguard.messaging.supervision.Loops;
import org.overfitguard.messaging.supervision.SupervisedLoop;

/**
 * Publishes the tuner's due judgements: for a pruned trial a StopRequested (reason pruned, with the
 * trial's best checkpoint as its result) first, for a promoted paused trial a TrialPromoted, then
 * the TrialJudged that records the judgement.
 * Dying between the two leaves the judgement due, so it is published again on restart: the trainer
 * ignores a second stop, and a TrialJudged is on the topic once.
 */
@ApplicationScoped
public class TunerWorker {

    private static final Logger LOG = Logger.getLogger(TunerWorker.class);

    @Inject
    TunerBook book;
    @Inject
    EvaluatorEvents events;
    @Inject
    EvaluatorMetrics metrics;
    @Inject
    Loops loops;

    private SupervisedLoop loop;

    void start(@Observes StartupEvent ignored) {
        loop = loops.start(new SupervisedLoop("tuner", Duration.ofMinutes(1), this::work));
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (loop != null) {
            loop.close(Duration.ofSeconds(10));
        }
    }

    private void work(SupervisedLoop.Heartbeat heartbeat) throws InterruptedException {
        while (!heartbeat.closing()) {
            heartbeat.beat();
            for (TunerBook.Due due : book.awaitDue(1000)) {
                if (book.isDue(due)) {
                    publish(due); // a failure throws: the loop restarts, and the judgement is still due
                }
            }
        }
    }

    private void publish(TunerBook.Due due) {
        TrialEvaluated r = due.result();
        Asha.Judgement j = due.judgement();
        boolean prune = j.decision() == Asha.Decision.PRUNE;
        if (!prune && due.promotion()) {
            events.publish(TrialPromotedBuilder.builder().runId(r.runId()).eventId(Event.newId()).timestamp(Event.now())
                    .sweepId(r.sweepId()).rung(j.rung()).untilStep(r.schedule().trainUntil(j.rung())).build());
        }
        if (prune) {
            events.publish(StopRequestedBuilder.builder().runId(r.runId()).eventId(Event.newId()).timestamp(Event.now())
                    .reason(StopReason.PRUNED).monitor(r.monitor()).atStep(r.step()).bestStep(r.bestStep()).bestValue(r.bestValue())
                    .bestCheckpoint(r.bestCheckpoint()).detail(explain(due)).build());
            metrics.stopped(StopReason.PRUNED);
        }
        events.publish(TrialJudgedBuilder.builder().runId(r.runId()).eventId(Event.newId()).timestamp(Event.now())
                .sweepId(r.sweepId()).rung(j.rung()).rungStep(j.rungStep()).step(due.step()).heldOutLoss(due.loss())
                .rank(j.rank()).reached(j.reached()).kept(j.kept()).decision(prune ? TrialDecision.PRUNE : TrialDecision.CONTINUE)
                .build());
        book.published(due);
        LOG.infof("sweep %s: trial %s %s at rung %d (%d steps): rank %d of %d, top %d go on", r.sweepId(), r.runId(),
                prune ? "pruned" : due.promotion() ? "promoted" : "continues", j.rung(), j.rungStep(), j.rank(), j.reached(), j.kept());
    }

    static String explain(TunerBook.Due due) {
        TrialEvaluated r = due.result();
        Asha.Judgement j = due.judgement();
        return String.format(Locale.ROOT, "held-out loss %.4f at step %d ranks %d of the %d trials that reached rung %d (%d steps);"
                + " only the top %d go on (reduction_factor %d%s)", due.loss(), due.step(), j.rank(), j.reached(), j.rung(),
                j.rungStep(), j.kept(), r.schedule().reductionFactor(), due.promotion() ? ", every trial of the sweep reached the rung or ended" : "");
    }
}
