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
import org.overfitguard.contracts.events.TrialEvaluated;
import org.overfitguard.contracts.events.TrialJudged;
import org.overfitguard.evaluator.policy.Asha;
import org.overfitguard.messaging.EventLedger;

/**
 * The tuner's state, folded from topic tuning (key sweep id, replayed from the start): per sweep,
 * the ASHA rule fed with every TrialEvaluated in the order of the sweep's partition, and the
 * judgements already published (TrialJudged). A judgement the rule makes that is not on the topic
 * yet is due: the {@link TunerWorker} publishes it once the ledger has caught up. So a tuner that
 * is killed and restarted recomputes the same decisions from the same order and publishes only the
 * ones it had not published before.
 */
@ApplicationScoped
public class TunerBook implements EventLedger.Listener {

    private static final Logger LOG = Logger.getLogger(TunerBook.class);

    /** A judgement to publish, with the result it was made on (whose best checkpoint a pruned trial ends on). */
    public record Due(TrialEvaluated result, Asha.Judgement judgement) {
        Key key() {
            return new Key(result.runId(), judgement.rung());
        }
    }

    private record Key(String runId, int rung) {
    }

    private static final class Sweep {
        int partition;
        Asha asha;
        final Map<Key, Due> undecided = new LinkedHashMap<>();
        final Set<Key> judged = new HashSet<>();
    }

    private final Map<String, Sweep> sweeps = new HashMap<>();
    private boolean caughtUp;

    @Override
    public synchronized void apply(Event event, int partition) {
        if (event instanceof TrialEvaluated e) {
            Sweep s = sweeps.computeIfAbsent(e.sweepId(), id -> new Sweep());
            s.partition = partition;
            if (s.asha == null) {
                s.asha = new Asha(e.schedule());
            }
            Asha.Judgement j = s.asha.record(e.runId(), e.step(), e.heldOutLoss());
            Due due = new Due(e, j);
            if (j.isDecision() && !s.judged.contains(due.key())) {
                s.undecided.put(due.key(), due);
                notifyAll();
            }
        } else if (event instanceof TrialJudged j) {
            Sweep s = sweeps.computeIfAbsent(j.sweepId(), id -> new Sweep());
            s.partition = partition;
            Key key = new Key(j.runId(), j.rung());
            s.judged.add(key);
            Due mine = s.undecided.remove(key);
            if (mine != null && !mine.judgement().decision().name().equals(j.decision().name())) {
                LOG.warnf("sweep %s: trial %s was judged %s at rung %d on the topic, but the rule says %s", j.sweepId(), j.runId(),
                        j.decision(), j.rung(), mine.judgement().decision());
            }
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
