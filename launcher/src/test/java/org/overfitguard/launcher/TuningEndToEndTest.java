package org.overfitguard.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunReleased;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.events.TrialDecision;
import org.overfitguard.contracts.events.TrialEnded;
import org.overfitguard.contracts.events.TrialEvaluated;
import org.overfitguard.contracts.events.TrialJudged;
import org.overfitguard.contracts.events.TrialPromoted;
import org.overfitguard.contracts.json.EventDeserializer;
import org.overfitguard.kafka.TopicIO;

/**
 * Tuning sweeps (ASHA, both forms) on real processes: two trainer replicas share the trials, and the
 * tuner's process (evaluator-service) is killed with SIGKILL once it has judged a trial, then started again.
 * What it decided must be what the rule decides on the results in the order topic tuning holds them
 * (re-derived here, independently of evaluator-service's Asha), each (trial, rung) judged once, and
 * every pruned trial must end as pruned. The same for the promotion form, with a trainer killed
 * while trials wait at their rungs.
 */
class TuningEndToEndTest {

    private static final String TUNING = """
            base:
              name: tune-e2e
              data: {sentences: 200}
              model: {layers: 1, heads: 2, width: 32, block_size: 16}
              training: {batch_size: 8, checkpoint_every: 20, metrics_every: 10}
              early_stopping: {patience: 1000}
              evaluation: {sample_tokens: 8}
            space:
              regularization.dropout.residual: {values: [0.0, 0.3, 0.6]}
              regularization.weight_decay: {log_uniform: [0.001, 0.3]}
            trials: 7
            seed: 11
            scheduler: {kind: asha, min_budget: 20, reduction_factor: 3, max_budget: 120}
            """;
    private static final long[] RUNGS = {20, 60};
    private static final long MAX_BUDGET = 120;
    private static final int ETA = 3;
    private static final long RUN_MILLIS = 600_000;

    /**
     * Both forms at once in one ensemble (two sweeps share the two trainers fairly): the tuner is
     * killed once it has judged a trial and stays down for three checkpoints; then a trainer is
     * killed while promotion-form trials wait at their rungs; both are started again.
     */
    @Test
    void decisionsSurviveKilledTunerAndTrainerAndEqualEachRuleReplayedOnTheResults() throws Exception {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path workdir = Files.createTempDirectory("tune-ensemble-");
        try (LocalEnsemble ensemble = new LocalEnsemble(new Layout(repo), workdir, LocalEnsemble.Ports.free(),
                Files.createDirectories(workdir.resolve("data"))).trainers(2);
             EventWatcher watcher = startAndWatch(ensemble)) {
            List<RunTracker> stopping = ensemble.submitter().submitSweep("", TUNING).stream().map(watcher::track).toList();
            List<RunTracker> promotion = ensemble.submitter().submitSweep("", PROMOTION).stream().map(watcher::track).toList();
            List<RunTracker> all = new ArrayList<>(stopping);
            all.addAll(promotion);

            await("a first judgement").atMost(Duration.ofMillis(RUN_MILLIS)).pollInterval(Duration.ofMillis(500))
                    .until(() -> tuningEvents(ensemble).stream().anyMatch(e -> e instanceof TrialJudged));
            ensemble.kill("evaluator-service");
            int checkpoints = all.stream().mapToInt(r -> r.checkpoints().size()).sum();
            await("three checkpoints, and a trial paused at its rung, while the tuner is away").atMost(Duration.ofMillis(RUN_MILLIS))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> all.stream().mapToInt(r -> r.checkpoints().size()).sum() >= checkpoints + 3
                            && !pausedReleases(ensemble).isEmpty());
            ensemble.kill("trainer-service");
            ensemble.startService("trainer-service");
            ensemble.startService("evaluator-service");
            for (RunTracker r : all) {
                assertTrue(r.awaitFinished(RUN_MILLIS), r.runId() + " finishes");
                assertTrue(r.completed() != null, r.runId() + " completed: " + r.failed());
            }
            List<Event> tuning = tuningEvents(ensemble);
            checkStopping(ofSweep(tuning, stopping), stopping);
            checkPromotion(ensemble, ofSweep(tuning, promotion), promotion);
            Set<String> trainers = all.stream().flatMap(r -> r.starts().stream()).map(RunStarted::trainerId).collect(Collectors.toSet());
            assertEquals(2, trainers.size(), "both trainer replicas trained trials: " + trainers);
        }
    }

    /** The sweep's events on topic tuning, in the topic's order. */
    private static List<Event> ofSweep(List<Event> tuning, List<RunTracker> runs) {
        String sweep = runs.get(0).requested().sweepId();
        return tuning.stream().filter(e -> sweep.equals(e.key())).toList();
    }

    /** The stopping form: the judgements are the rule replayed on the results, every pruned trial ended pruned. */
    private static void checkStopping(List<Event> tuning, List<RunTracker> runs) {
        List<TrialEvaluated> results = tuning.stream().filter(TrialEvaluated.class::isInstance).map(TrialEvaluated.class::cast).toList();
        List<TrialJudged> judged = tuning.stream().filter(TrialJudged.class::isInstance).map(TrialJudged.class::cast).toList();
        Set<String> once = new HashSet<>();
        for (TrialJudged j : judged) {
            assertTrue(once.add(j.runId() + "@" + j.rung()), "judged twice: " + j.runId() + " at rung " + j.rung());
        }
        List<String> expected = replay(results);
        List<String> actual = judged.stream().map(TuningEndToEndTest::describe).toList();
        assertEquals(expected, actual, "the tuner's judgements, after its SIGKILL, against the rule on the recorded results");

        Map<String, TrialJudged> pruned = judged.stream().filter(j -> j.decision() == TrialDecision.PRUNE)
                .collect(Collectors.toMap(TrialJudged::runId, j -> j));
        assertTrue(!pruned.isEmpty(), "the sweep pruned someone: " + actual);
        for (RunTracker r : runs) {
            CompletionReason reason = r.completed().reason();
            TrialJudged p = pruned.get(r.runId());
            // the stopping form trains on while the tuner is down: a trial may reach max_steps before
            // the restarted tuner prunes it (the trainer then ignores the stop)
            boolean prunedInTime = p != null && p.timestamp().isBefore(r.completed().timestamp());
            if (reason == CompletionReason.PRUNED) {
                assertTrue(p != null, r.runId() + " ended pruned without a prune");
                assertTrue(r.completed().steps() >= p.rungStep(), r.runId() + " stopped before the rung it was pruned at: " + p);
            } else {
                assertTrue(!prunedInTime, r.runId() + " ended " + reason + " although pruned at " + p);
            }
        }
        assertTrue(runs.stream().anyMatch(r -> r.completed().reason() == CompletionReason.PRUNED), "a prune took effect");
        long steps = runs.stream().mapToLong(r -> r.completed().steps()).sum();
        System.out.println("[tune-e2e] stopping form: " + steps + " steps of " + MAX_BUDGET * runs.size() + ", " + pruned.size() + " pruned ("
                + runs.stream().filter(r -> r.completed().reason() == CompletionReason.PRUNED).count() + " before their end)");
        // no bound on the steps saved: trials train on while the tuner is down, and may all reach max_steps
        // there (they then wait for their last evaluation, and end pruned at max_budget when the restarted tuner
        // prunes them). What pruning saves is measured by TuningBenchmark; the promotion form's is exact below.
    }

    /** The rule, written again from the paper's statement: rank among those at the rung so far, top ceil(n/eta) go on. */
    private static List<String> replay(List<TrialEvaluated> results) {
        List<Map<String, Double>> atRung = new ArrayList<>();
        for (int k = 0; k < RUNGS.length; k++) {
            atRung.add(new LinkedHashMap<>());
        }
        Map<String, Boolean> stopped = new HashMap<>();
        List<String> out = new ArrayList<>();
        for (TrialEvaluated e : results) {
            if (stopped.getOrDefault(e.runId(), false)) {
                continue;
            }
            int rung = rungOf(e.step());
            if (rung < 0 || atRung.get(rung).containsKey(e.runId())) {
                continue;
            }
            double loss = Double.isFinite(e.heldOutLoss()) ? e.heldOutLoss() : Double.POSITIVE_INFINITY;
            int rank = 1 + (int) atRung.get(rung).values().stream().filter(other -> other <= loss).count();
            atRung.get(rung).put(e.runId(), loss);
            int n = atRung.get(rung).size();
            boolean goesOn = rank <= (n + ETA - 1) / ETA;
            stopped.put(e.runId(), !goesOn);
            out.add(e.runId() + " rung " + rung + " rank " + rank + "/" + n + " " + (goesOn ? "CONTINUE" : "PRUNE"));
        }
        return out;
    }

    private static final String PROMOTION = TUNING.replace("name: tune-e2e", "name: tune-e2e-promotion")
            .replace("scheduler: {kind: asha,", "scheduler: {kind: asha, mode: promotion,");

    /**
     * The promotion form: the judgements are the paper's Algorithm 2 (written again below) on the
     * results and ends in the topic's order; a pruned trial stopped at exactly its rung's step (it
     * was paused there), a trial promoted past the last rung ran to max_budget, and every CONTINUE
     * has its TrialPromoted on control.
     */
    private static void checkPromotion(LocalEnsemble ensemble, List<Event> tuning, List<RunTracker> runs) {
        List<TrialJudged> judged = tuning.stream().filter(TrialJudged.class::isInstance).map(TrialJudged.class::cast).toList();
        Set<String> once = new HashSet<>();
        for (TrialJudged j : judged) {
            assertTrue(once.add(j.runId() + "@" + j.rung()), "judged twice: " + j.runId() + " at rung " + j.rung());
        }
        assertEquals(replayPromotion(tuning, runs.size()), judged.stream().map(TuningEndToEndTest::describe).toList(),
                "the tuner's judgements, after SIGKILLs of the tuner and a trainer, against the rule on the recorded results");
        assertEquals(runs.size(), judged.stream().filter(j -> j.rung() == 0).count(), "every trial decided at the first rung");

        Map<String, TrialJudged> prunedAt = judged.stream().filter(j -> j.decision() == TrialDecision.PRUNE)
                .collect(Collectors.toMap(TrialJudged::runId, j -> j));
        assertTrue(!prunedAt.isEmpty(), "the sweep pruned someone");
        for (RunTracker r : runs) {
            TrialJudged p = prunedAt.get(r.runId());
            if (p != null) {
                assertEquals(CompletionReason.PRUNED, r.completed().reason(), r.runId());
                assertEquals(p.rungStep(), r.completed().steps(), r.runId() + " paused at its rung: not one step past it");
            } else {
                assertEquals(CompletionReason.MAX_STEPS, r.completed().reason(), r.runId());
                assertEquals(MAX_BUDGET, r.completed().steps(), r.runId());
            }
        }
        Set<String> promotions = TopicIO.readAll(ensemble.bootstrapServers(), Topics.CONTROL).stream()
                .map(rec -> new EventDeserializer().deserialize(rec.topic(), rec.key(), rec.value()))
                .filter(TrialPromoted.class::isInstance).filter(e -> runs.stream().anyMatch(r -> r.runId().equals(e.runId())))
                .map(e -> e.runId() + "@" + ((TrialPromoted) e).rung()).collect(Collectors.toSet());
        assertEquals(judged.stream().filter(j -> j.decision() == TrialDecision.CONTINUE).map(j -> j.runId() + "@" + j.rung())
                .collect(Collectors.toSet()), promotions, "a TrialPromoted for each promotion");
        long steps = runs.stream().mapToLong(r -> r.completed().steps()).sum();
        System.out.println("[tune-e2e] promotion form: " + steps + " steps of " + MAX_BUDGET * runs.size() + ", " + prunedAt.size()
                + " pruned, " + pausedReleases(ensemble).size() + " pauses");
        assertTrue(steps < MAX_BUDGET * runs.size(), "pruning saved steps: " + steps);
    }

    private static EventWatcher startAndWatch(LocalEnsemble ensemble) throws Exception {
        ensemble.start();
        return new EventWatcher(ensemble.bootstrapServers());
    }

    private static List<RunReleased> pausedReleases(LocalEnsemble ensemble) {
        EventDeserializer d = new EventDeserializer();
        return TopicIO.readAll(ensemble.bootstrapServers(), Topics.RUNS).stream().map(r -> d.deserialize(r.topic(), r.key(), r.value()))
                .filter(e -> e instanceof RunReleased r && r.pausedAtRung() != null).map(RunReleased.class::cast).toList();
    }

    /**
     * The promotion form, written again from the paper's Algorithm 2: after each new result or end,
     * for each rung from the top, the top floor(n/eta) (max(1, ...) once every trial reached the
     * rung or ended) go on if still running and not promoted yet, in rank order; once complete, the
     * rest waiting there are pruned.
     */
    private static List<String> replayPromotion(List<Event> tuning, int trials) {
        List<Map<String, Double>> atRung = new ArrayList<>();
        List<Set<String>> promoted = new ArrayList<>();
        for (int k = 0; k < RUNGS.length; k++) {
            atRung.add(new LinkedHashMap<>());
            promoted.add(new HashSet<>());
        }
        Set<String> ended = new HashSet<>();
        Set<String> pruned = new HashSet<>();
        List<String> out = new ArrayList<>();
        for (Event e : tuning) {
            if (e instanceof TrialEnded end) {
                if (!ended.add(end.runId())) {
                    continue;
                }
            } else if (e instanceof TrialEvaluated r) {
                if (ended.contains(r.runId()) || pruned.contains(r.runId())) {
                    continue;
                }
                int rung = rungOf(r.step());
                if (rung < 0 || atRung.get(rung).containsKey(r.runId())) {
                    continue;
                }
                atRung.get(rung).put(r.runId(), Double.isFinite(r.heldOutLoss()) ? r.heldOutLoss() : Double.POSITIVE_INFINITY);
            } else {
                continue;
            }
            for (int k = RUNGS.length - 1; k >= 0; k--) {
                List<String> ranked = new ArrayList<>(atRung.get(k).keySet()); // arrival order; a stable sort keeps it for ties
                Map<String, Double> losses = atRung.get(k);
                ranked.sort(java.util.Comparator.comparingDouble(losses::get));
                Set<String> accounted = new HashSet<>(ranked);
                accounted.addAll(ended);
                accounted.addAll(pruned);
                boolean complete = accounted.size() >= trials;
                int n = ranked.size();
                int kept = complete ? Math.max(1, n / ETA) : n / ETA;
                for (int i = 0; i < n; i++) {
                    String t = ranked.get(i);
                    if (promoted.get(k).contains(t) || pruned.contains(t) || ended.contains(t)) {
                        continue;
                    }
                    if (i < kept) {
                        promoted.get(k).add(t);
                        out.add(t + " rung " + k + " rank " + (i + 1) + "/" + n + " CONTINUE");
                    } else if (complete) {
                        pruned.add(t);
                        out.add(t + " rung " + k + " rank " + (i + 1) + "/" + n + " PRUNE");
                    }
                }
            }
        }
        return out;
    }

    /** The highest of RUNGS at or below {@code step}, or -1 (written here, not taken from the code under test). */
    private static int rungOf(long step) {
        int rung = -1;
        for (int k = 0; k < RUNGS.length; k++) {
            if (step >= RUNGS[k]) {
                rung = k;
            }
        }
        return rung;
    }

    private static String describe(TrialJudged j) {
        return j.runId() + " rung " + j.rung() + " rank " + j.rank() + "/" + j.reached() + " " + j.decision();
    }

    private static List<Event> tuningEvents(LocalEnsemble ensemble) {
        EventDeserializer d = new EventDeserializer();
        return TopicIO.readAll(ensemble.bootstrapServers(), Topics.TUNING).stream()
                .map(r -> d.deserialize(r.topic(), r.key(), r.value())).toList();
    }
}
