package org.overfitguard.trainer.api;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.trainer.ledger.RunRecord;
import org.overfitguard.trainer.training.LiveRuns;

/** Joins the ledger's record of a run with the live training progress. */
@ApplicationScoped
public class RunViews {

    @Inject
    LiveRuns live;

    public RunView of(RunRecord r) {
        var progress = live.of(r.runId()).orElse(null);
        EvaluationCompleted eval = r.lastEvaluation();
        Long bestStep = r.completed() != null ? r.completed().bestStep() : eval == null ? null : eval.bestStep();
        String reason = r.failed() != null ? r.failed().reason()
                : r.completed() != null ? r.completed().reason().name().toLowerCase(Locale.ROOT) : null;
        long step = progress != null ? progress.step() : r.completed() != null ? r.completed().steps() : 0;
        return new RunView(r.runId(), r.requested().spec().name(), r.status().name().toLowerCase(Locale.ROOT), step,
                r.requested().spec().training().maxSteps(),
                progress == null ? null : progress.loss(), progress == null ? null : progress.crossEntropy(),
                progress == null ? null : progress.tokensPerSecond(),
                eval == null ? null : eval.heldOutLoss(), bestStep,
                r.completed() != null ? r.completed().bestHeldOutLoss() : r.heldOutLossAt(bestStep),
                eval == null ? null : eval.patienceLeft(),
                r.started() == null ? null : r.started().device(), r.started() == null ? null : r.started().trainerId(),
                reason, r.completed() == null ? null : r.completed().finalModelPath(),
                r.requested().sweepId(), r.requested().variant(), r.requested().timestamp(),
                r.started() == null ? null : r.started().timestamp(),
                r.completed() != null ? r.completed().timestamp() : r.failed() != null ? r.failed().timestamp() : null,
                r.requested().spec());
    }
}
