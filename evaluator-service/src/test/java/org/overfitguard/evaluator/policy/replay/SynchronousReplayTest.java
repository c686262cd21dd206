package org.overfitguard.evaluator.policy.replay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overfitguard.contracts.spec.EarlyStoppingSpec;
import org.overfitguard.contracts.spec.RunSpecs;

class SynchronousReplayTest {

    /** "t=step:loss,step:loss,..." */
    private static Curve curve(String spec) {
        String[] parts = spec.split("=");
        TreeMap<Long, Double> losses = new TreeMap<>();
        for (String p : parts[1].split(",")) {
            String[] sl = p.split(":");
            losses.put(Long.parseLong(sl[0]), Double.parseDouble(sl[1]));
        }
        return new Curve(parts[0], losses, null);
    }

    private static List<Curve> curves(String... specs) {
        return Arrays.stream(specs).map(SynchronousReplayTest::curve).toList();
    }

    @Test
    void theTopThirdGoesOnThePrunedStopAtTheRungAndAnEarlyStopperEndsWhereItEnded() {
        // rungs 100 (eta 3, max 300): a leads at 100 and goes on; b, a late bloomer, is pruned there; c stopped at 50
        List<Curve> sweep = curves("a=100:1.0,200:0.9,300:0.95", "b=100:2.0,200:1.0,300:0.5", "c=50:3.0");
        SynchronousReplay.Outcome o = SynchronousReplay.run(sweep, 100, 3, 300);
        assertEquals(Map.of("a", 300L, "b", 100L, "c", 50L), o.trainedTo());
        assertEquals(450, o.steps());
        assertEquals("a", o.bestTrial());
        assertEquals(0.9, o.best()); // its best checkpoint, not its last; b's 0.5 was never trained to
        assertEquals(1, o.pruned());
    }

    @Test
    void eachRungJudgesOnlyThoseStillInAndAtLeastOneGoesOn() {
        // rungs 10, 30 (eta 3, max 90), nine trials: three go on from 10, one from 30
        String[] specs = new String[9];
        for (int i = 0; i < 9; i++) { // trial i's loss is i at 10; at 30 the order reverses among those kept
            specs[i] = "t" + i + "=10:" + (1 + i) + ",30:" + (10 - i) + ",90:" + (i == 2 ? 0.1 : 5.0);
        }
        SynchronousReplay.Outcome o = SynchronousReplay.run(curves(specs), 10, 3, 90);
        Map<String, Long> expected = new HashMap<>();
        for (int i = 0; i < 9; i++) {
            expected.put("t" + i, i < 3 ? 30L : 10L);
        }
        expected.put("t2", 90L);
        assertEquals(expected, o.trainedTo());
        assertEquals("t2", o.bestTrial());
        assertEquals(8, o.pruned());
        assertEquals(0.1, o.best());
    }

    @Test
    void aCurveEndsWhereItsEarlyStoppingFires() {
        Curve c = curve("a=10:1.0,20:1.1,30:1.2,40:0.5,50:0.4");
        assertEquals(30, c.untilEarlyStop(RunSpecs.parse("early_stopping: {patience: 2}").earlyStopping()).end());
        assertEquals(50, c.untilEarlyStop(RunSpecs.parse("early_stopping: {patience: 3}").earlyStopping()).end());
    }

    @Test
    void jitterIsTheDeviationOfOneEvaluationAroundTheTrend() {
        // a line plus alternating +-0.01 in its second half: each second difference is +-0.02, so sigma = 0.02 / sqrt(1.5)
        assertEquals(0.02 / Math.sqrt(1.5), AshaReplayBenchmark.jitter(curves("a=10:9,20:9,30:9,40:3.01,50:1.99,60:1.01,70:-0.01,80:-0.99")),
                1e-9);
        assertEquals(0.0, AshaReplayBenchmark.jitter(curves("a=10:4,20:3,30:2,40:1")), 1e-12);
    }

    @Test
    void aCurvesFileThatIsNotOneSaysWhereAndWhy(@TempDir Path dir) throws Exception {
        Path bad = dir.resolve("bad-curves.csv");
        Files.writeString(bad, "variant,run_id,step,held_out_loss,pruned_at\n\"t00 a=1\",run-1,30,2.5,\n\"t00 a=1\",run-1,sixty,2.4,\n");
        IOException e = assertThrows(IOException.class, () -> Curve.read(bad, ""));
        assertTrue(e.getMessage().contains("line 3") && e.getMessage().contains("sixty"), e.getMessage());
        Files.writeString(bad, "name,loss\nx,1.0\n");
        e = assertThrows(IOException.class, () -> Curve.read(bad, ""));
        assertTrue(e.getMessage().contains("needs the columns variant, step and held_out_loss"), e.getMessage());
    }

    @Test
    void gapsSummariseTheDraws() {
        AshaReplayBenchmark.Gaps g = new AshaReplayBenchmark.Gaps(new double[] {0.0, 0.02, -0.01, 0.005, 0.01});
        assertEquals(0.8, g.within(0.01), 1e-12); // 0.01 itself counts as within
        assertEquals(0.2, g.better(), 1e-12);
        assertEquals(0.005, g.mean(), 1e-12);
        assertEquals(0.005, g.quantile(0.5), 1e-12);
        assertEquals(0.01, g.quantile(0.9), 1e-12); // floor(0.9 * 4) = 3rd of -0.01, 0, 0.005, 0.01, 0.02
    }

    @Test
    void aDrawIsComparedWithItsFirstTrialsRunToTheirEnds() {
        // rung 100 (eta 3, max 300): a leads at 100 and goes on, b (the late bloomer) and c stop there
        List<Curve> draw = curves("a=100:1.0,300:0.9", "b=100:2.0,300:0.5", "c=100:3.0,300:2.0");
        AshaReplayBenchmark.Replayed all = AshaReplayBenchmark.replay(List.of(draw), 3, 100, 3, 300);
        assertEquals(0.4, all.asha().mean(), 1e-12); // 0.9 against b's 0.5
        assertEquals(500.0 / 900, all.stepShare(), 1e-12);
        assertEquals(0.4, all.random().mean(), 1e-12); // 500 steps: a to its end (0.9), b to 200 (2.0 so far)
        AshaReplayBenchmark.Replayed wide = AshaReplayBenchmark.replay(List.of(draw), 1, 100, 3, 300);
        assertEquals(0.0, wide.asha().mean(), 1e-12); // against a alone: the same 0.9
        assertEquals(500.0 / 300, wide.stepShare(), 1e-12);
    }

    @Test
    void randomSearchRunsTrialsToTheirEndsUntilTheStepsAreSpent() {
        List<Curve> sweep = curves("a=100:2.0,200:1.5", "b=100:1.2,200:0.8", "c=100:0.1");
        assertEquals(1.5, AshaReplayBenchmark.randomSearch(sweep, 200));
        assertEquals(1.2, AshaReplayBenchmark.randomSearch(sweep, 300)); // b trained to 100 of its 200
        assertEquals(0.1, AshaReplayBenchmark.randomSearch(sweep, 500));
    }

    /**
     * The replay against the live sweep of the same trials (scripts/tuning-benchmark.sh, reports in
     * docs/tuning/reports): replayed on the exhaustive sweep's curves with the live sweep's rungs
     * (1,620 steps a trial), ASHA's synchronous form lets every trial train to exactly the step of
     * the live ASHA sweep's last evaluation of it, and finds its best.
     */
    @ParameterizedTest(name = "{1}")
    @CsvSource({
        "bench-synthetic-overfit, bench-synthetic-overfit, 180, 3",
        "bench-shakespeare-overfit, bench-shakespeare-overfit, 180, 3",
        "bench-synthetic-overfit-seed2, bench-synthetic-overfit-seed2, 180, 3",
        "bench-shakespeare-overfit-seed2, bench-shakespeare-overfit-seed2, 180, 3",
        "bench-synthetic-overfit-seed3, bench-synthetic-overfit-seed3, 180, 3",
        "bench-shakespeare-overfit-seed3, bench-shakespeare-overfit-seed3, 180, 3",
        "bench-synthetic-overfit-seed4, bench-synthetic-overfit-seed4, 180, 3",
        "bench-shakespeare-overfit-seed4, bench-shakespeare-overfit-seed4, 180, 3",
        "bench-synthetic-overfit-seed5, bench-synthetic-overfit-seed5, 180, 3",
        "bench-shakespeare-overfit-seed5, bench-shakespeare-overfit-seed5, 180, 3",
        "bench-synthetic-overfit-seed6, bench-synthetic-overfit-seed6, 180, 3",
        "bench-shakespeare-overfit-seed6, bench-shakespeare-overfit-seed6, 180, 3",
        "bench-synthetic-overfit-seed6, bench-synthetic-overfit-eta6-seed6, 300, 6",
        "bench-shakespeare-overfit-seed6, bench-shakespeare-overfit-eta6-seed6, 300, 6"})
    void replayedOnTheExhaustiveCurvesItTrainsWhatTheLiveSweepTrained(String exhaustiveSweep, String ashaSweep, long minBudget, int eta)
            throws Exception {
        Path reports = Path.of("..", "docs", "tuning", "reports");
        EarlyStoppingSpec patience4 = RunSpecs.parse("early_stopping: {patience: 4}").earlyStopping(); // as the files say
        List<Curve> exhaustive = Curve.read(reports.resolve(exhaustiveSweep + "-exhaustive-curves.csv"), "").stream()
                .map(c -> c.untilEarlyStop(patience4)).toList();
        List<Curve> live = Curve.read(reports.resolve(ashaSweep + "-asha-curves.csv"), "").stream()
                .map(c -> c.untilEarlyStop(patience4)).toList();
        SynchronousReplay.Outcome o = SynchronousReplay.run(exhaustive, minBudget, eta, 1620);
        Map<String, Long> liveTo = new HashMap<>();
        live.forEach(c -> liveTo.put(c.trial(), c.end()));
        assertEquals(liveTo, o.trainedTo());
        Curve liveBest = live.stream().min((a, b) -> Double.compare(a.best(), b.best())).orElseThrow();
        assertEquals(liveBest.trial(), o.bestTrial());
        assertEquals(liveBest.best(), o.best(), 1e-9);
        assertEquals(live.stream().filter(c -> c.prunedAt() != null).count(), o.pruned());
    }
}
