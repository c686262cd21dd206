package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.EvaluationCompletedBuilder;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.RunRequested;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequestedBuilder;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.TrainingSpec;

/** A tuning sweep's report: the pruned trial's pruning point, the steps spent against the budget, the best trial. */
class SweepReportTest {

    private static final RunSpec SPEC = RunSpec.defaults().withTraining(new TrainingSpec(8, 100, 10, 10, 1));

    @Test
    void aTuningReportSaysWhatASHASavedAndWhereItPruned() throws Exception {
        RunTracker kept = trial("run-a", "t0 regularization.weight_decay=0.01", new double[] {2.5, 2.2, 2.0}, null, 100,
                CompletionReason.MAX_STEPS);
        RunTracker pruned = trial("run-b", "t1 regularization.weight_decay=0.3", new double[] {2.9}, 30L, 40, CompletionReason.PRUNED);
        SweepReport report = SweepReport.of(java.util.List.of(kept, pruned));

        assertEquals(30L, report.rows().get(1).prunedAt());
        assertEquals(null, report.rows().get(0).prunedAt());
        assertTrue(report.summary().contains("Best: t0 regularization.weight_decay=0.01, held-out loss 2.0000"), report.summary());
        assertTrue(report.summary().contains("(1 pruned by ASHA; 140 of the 200 steps the trials could have run, 70 %: 60 saved)"),
                report.summary());
        Path md = Files.createTempDirectory("sweep-report-").resolve("r.md");
        report.write(md, "test");
        assertTrue(Files.size(md.resolveSibling("r.png")) > 1000, "the chart");
        assertEquals(java.util.List.of("variant,run_id,step,held_out_loss,pruned_at",
                "\"t0 regularization.weight_decay=0.01\",run-a,30,2.500000,", "\"t0 regularization.weight_decay=0.01\",run-a,60,2.200000,",
                "\"t0 regularization.weight_decay=0.01\",run-a,90,2.000000,", "\"t1 regularization.weight_decay=0.3\",run-b,30,2.900000,30"),
                Files.readAllLines(md.resolveSibling("r-curves.csv")));
        assertEquals("t1", SweepReport.legendName("t1 regularization.weight_decay=0.3"));
        assertEquals("no-dropout", SweepReport.legendName("no-dropout"));
    }

    @Test
    void aSweepRunToTheEndSaysWhereItsRanksStartToPredictTheResult() {
        // five runs: the order at step 30 is the reverse of the order of their bests, at step 90 it is the same
        java.util.List<RunTracker> runs = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            runs.add(trial("run-" + i, "t" + i, new double[] {2.0 + 0.1 * i, 1.9, 1.5 - 0.1 * i}, null, 100, CompletionReason.MAX_STEPS));
        }
        String section = SweepReport.of(runs).rankAgreement();
        assertTrue(section.contains("Step: rho, 30: -1.00, 90: 1.00."), section);

        RunTracker pruned = trial("run-p", "t5", new double[] {2.9}, 30L, 40, CompletionReason.PRUNED);
        runs.add(pruned);
        assertEquals("", SweepReport.of(runs).rankAgreement(), "a pruned sweep's curves are cut short: no agreement to measure");
    }

    private static RunTracker trial(String runId, String variant, double[] heldOut, Long prunedAt, long steps, CompletionReason end) {
        RunTracker t = new RunTracker(runId);
        Instant now = Instant.now();
        t.apply(new RunRequested(runId, Event.newId(), now, SPEC, "sweep-1", variant, null));
        long best = 0;
        double bestLoss = Double.MAX_VALUE;
        for (int i = 0; i < heldOut.length; i++) {
            long step = 30L * (i + 1);
            if (heldOut[i] < bestLoss) {
                bestLoss = heldOut[i];
                best = step;
            }
            t.apply(EvaluationCompletedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(now).step(step)
                    .checkpointPath("/c/" + step).status(EvaluationStatus.OK).heldOutLoss(heldOut[i]).perplexity(Math.exp(heldOut[i]))
                    .accuracy(0.3).trainLoss(heldOut[i] - 0.1).gap(0.1).heldOutTokens(100).sample("s").evalSeconds(0.1)
                    .monitor("heldout_loss").monitoredValue(heldOut[i]).bestValue(bestLoss).bestStep(best).bestCheckpoint("/c/" + best)
                    .patienceLeft(3).build());
        }
        if (prunedAt != null) {
            t.apply(StopRequestedBuilder.builder().runId(runId).eventId(Event.newId()).timestamp(now).reason(StopReason.PRUNED)
                    .monitor("heldout_loss").atStep(prunedAt).bestStep(best).bestValue(bestLoss).bestCheckpoint("/c/" + best)
                    .detail("rank 2 of 2").build());
        }
        t.apply(new RunCompleted(runId, Event.newId(), now, end, steps, best, bestLoss, "/c/final", "/c/" + best));
        return t;
    }
}
