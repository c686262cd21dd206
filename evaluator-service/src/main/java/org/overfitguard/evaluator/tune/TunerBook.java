package org.overfitguard.evaluator.tune;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.contracts.events.TrialEvaluated;
import org.overfitguard.contracts.events.TrialJudged;
import org.overfitguard.evaluator.policy.Asha;
import org.overfitguard.evaluator.policy.AshaPromotion;
import org.overfitguard.messaging.EventLedger;

/**
 * The tuner's state, folded from topic tuning (key sweep id, replayed from the start): per sweep,
 * the ASHA rule (stopping or promotion form, {@link Asha} or {@link AshaPromotion}) fed with every
 * TrialEvaluated and TrialEnded in the order of the sweep's partition, and the judgements already
 * published (TrialJudged). A judgement the rule makes that is not on the topic
 * yet is due: the {@link TunerWorker} publishes it once the ledger has caught up. So a tuner that
 * is killed and restarted recomputes the same decisions from the same order and publishes only the
 * ones it had not published before.
 */
@ApplicationScoped
public class TunerBook implements EventLedger.Listener {

    private static final Logger LOG = Logger.getLogger(TunerBook.class);

    /**
     * A judgement to publish: the trial's latest result (whose best checkpoint a pruned trial ends
     * on), the decision, and the step and loss it was made at (the trial's result at the rung).
     * {@code promotion}: a paused trial of the promotion form, whose CONTINUE is a TrialPromoted.
     */
    public record Due(TrialEvaluated result, Asha.Judgement judgement, long step, double loss, boolean promotion) {
        Key key() {
            return new Key(result.runId(), judgement.rung());
        }
    }

    private record Key(String runId, int rung) {
    }

    private static final class Sweep {
        int partition;
        Asha asha; // the stopping form
        AshaPromotion promotion; // or the promotion form: one of the two, from the first result's schedule
        final Map<String, TrialEvaluated> latest = new HashMap<>();
        final List<String> endedBeforeAnyResult = new ArrayList<>();
        final Map<Key, Due> undecided = new LinkedHashMap<>();
        final Set<Key> judged = new HashSet<>();
    }

    private final Map<String, Sweep> sweeps = new HashMap<>();
    private boolean caughtUp;

    @Override
    public synchronized void apply(Event event, int partition) {
        if (event instanceof TrialEvaluated e) {
            Sweep s = sweep(e.sweepId(), partition);
            s.latest.put(e.runId(), e);
            if (s.asha == null && s.promotion == null) {
                start(s, e);
            }
            if (s.promotion != null) {
                s.promotion.record(e.runId(), e.step(), e.heldOutLoss()).forEach(d -> due(s, d));
            } else {
                Asha.Judgement j = s.asha.record(e.runId(), e.step(), e.heldOutLoss());
                if (j.isDecision()) {
                    due(s, new Due(e, j, e.step(), e.heldOutLoss(), false));
                }
            }
        } else if (event instanceof TrialEnded e) {
            Sweep s = sweep(e.sweepId(), partition);
            if (s.promotion != null) {
                s.promotion.ended(e.runId()).forEach(d -> due(s, d));
            } else if (s.asha == null) {
                s.endedBeforeAnyResult.add(e.runId()); // the schedule (and so the form) comes with the first result
            }
        } else if (event instanceof TrialJudged j) {
            Sweep s = sweep(j.sweepId(), partition);
            Key key = new Key(j.runId(), j.rung());
            s.judged.add(key);
            Due mine = s.undecided.remove(key);
            if (mine != null && !mine.judgement().decision().name().equals(j.decision().name())) {
                LOG.warnf("sweep %s: trial %s was judged %s at rung %d on the topic, but the rule says %s", j.sweepId(), j.runId(),
                        j.decision(), j.rung(), mine.judgement().decision());
            }
        }
    }

    private Sweep sweep(String sweepId, int partition) {
        Sweep s = sweeps.computeIfAbsent(sweepId, id -> new Sweep());
        s.partition = partition;
        return s;
    }

    private void start(Sweep s, TrialEvaluated first) {
        if (first.schedule().promotion()) {
            s.promotion = new AshaPromotion(first.schedule());
            s.endedBeforeAnyResult.forEach(trial -> s.promotion.ended(trial).forEach(d -> due(s, d)));
        } else {
            s.asha = new Asha(first.schedule());
        }
        s.endedBeforeAnyResult.clear();
    }

    private void due(Sweep s, AshaPromotion.Decision d) {
        Asha.Judgement j = new Asha.Judgement(d.promote() ? Asha.Decision.CONTINUE : Asha.Decision.PRUNE, d.rung(), d.rungStep(),
                d.rank(), d.reached(), d.kept());
        due(s, new Due(s.latest.get(d.trial()), j, d.step(), d.loss(), true));
    }

    private void due(Sweep s, Due due) {
        if (!s.judged.contains(due.key())) {
            s.undecided.put(due.key(), due);
            notifyAll();
        }
    }

    @Override
    public synchronized void setCaughtUp(boolean value) {
        caughtUp = value;
        notifyAll();
    }

    @Override
    public synchronized void forgetPartitions(Set<Integer> partitions) {
        sweeps.values().removeIf(s -> partitions.contains(s.partition));
    }

    /** The judgements due now, oldest first within each sweep; waits up to {@code millis} while there are none. */
    public synchronized List<Due> awaitDue(long millis) throws InterruptedException {
        if (!caughtUp || sweeps.values().stream().allMatch(s -> s.undecided.isEmpty())) {
            wait(millis);
        }
        List<Due> due = new ArrayList<>();
        if (caughtUp) {
            sweeps.values().forEach(s -> due.addAll(s.undecided.values()));
        }
        return due;
    }

    /** {@code due} is on the topic now (its TrialJudged acknowledged). */
    public synchronized void published(Due due) {
        Sweep s = sweeps.get(due.result().sweepId());
        if (s != null) {
            s.undecided.remove(due.key());
            s.judged.add(due.key());
        }
    }

    /** Whether {@code due} still waits to be published (not published meanwhile, its sweep not revoked). */
    public synchronized boolean isDue(Due due) {
        Sweep s = sweeps.get(due.result().sweepId());
        return caughtUp && s != null && s.undecided.containsKey(due.key());
    }
}
