package org.overfitguard.trainer.training;

import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.StopRequested;

/**
 * Which weights become a run's final model, decided from how its training loop ended and what the
 * log says: the project's core promise in one pure function (table-tested in FinalModelRuleTest).
 * <pre>
 * ended by            log says                          final model                      reason
 * shutdown / revoked  -                                 none: released, resumes later    -
 * gone (partition)    -                                 none: released                   -
 * cancel              -                                 none                             cancelled
 * early stop          restore_best and a best step      the best checkpoint              the stop's reason
 * early stop          otherwise                         the current weights              the stop's reason
 * max steps           a stop arrived meanwhile          as for an early stop             the stop's reason
 * max steps           restore_best and a best step      the best checkpoint so far       max_steps
 * max steps           otherwise                         the last checkpoint (= current)  max_steps
 * max steps           no final evaluation, shutting down  none: released                 -
 * ended elsewhere     a RunFailed or RunCompleted is in   none, and nothing said           (theirs)
 * </pre>
 * "Best" is the evaluator's: the best step of the StopRequested, or of the last evaluation.
 */
public final class FinalModelRule {

    /** How the training loop ended. */
    public enum Ending { MAX_STEPS, STOP, CANCEL, ABANDON, ENDED }

    /** Which weights: none, the checkpoint of {@code step}, or the weights as they are now. */
    public enum Weights { NONE, CHECKPOINT, CURRENT }

    /**
     * What the log says at the end.
     *
     * @param present        the run is still in this trainer's book (its partition did not move away)
     * @param stop           the evaluator's StopRequested, or null
     * @param lastEvaluation the newest evaluation, or null
     * @param evaluatedToEnd after max steps: the final evaluation (or a stop) arrived in time
     * @param shuttingDown   this trainer is shutting down
     */
    public record Log(boolean present, StopRequested stop, EvaluationCompleted lastEvaluation, boolean evaluatedToEnd,
                      boolean shuttingDown) {
    }

    /**
     * The decision. {@code release}: let the run go, another start resumes it; otherwise complete with
     * {@code reason}, reporting {@code bestStep}, with {@code weights} (of {@code step} for CHECKPOINT)
     * as the final model.
     */
    public record Decision(boolean release, CompletionReason reason, Weights weights, Long step, Long bestStep,
                           String bestCheckpoint) {

        static Decision released() {
            return new Decision(true, null, Weights.NONE, null, null, null);
        }

        /** The run ended with someone else's RunFailed or RunCompleted: no weights, no event (reason null). */
        static Decision ended() {
            return new Decision(false, null, Weights.NONE, null, null, null);
        }

        /** True when the run already has its end on the topic: this trainer says nothing more of it. */
        public boolean endedElsewhere() {
            return !release && reason == null;
        }
    }

    private FinalModelRule() {
    }

    /**
     * @param sessionStep        steps trained
     * @param lastCheckpointStep step of the last checkpoint written in this attempt (after max steps it is the current step)
     */
    public static Decision decide(Ending ending, boolean restoreBest, Log log, long sessionStep, long lastCheckpointStep) {
        switch (ending) {
            case ABANDON:
                return Decision.released();
            case ENDED:
                return Decision.ended();
            case CANCEL: {
                Long best = log.lastEvaluation() == null ? null : log.lastEvaluation().bestStep();
                return new Decision(false, CompletionReason.CANCELLED, Weights.NONE, null, best, null);
            }
            case STOP:
                return log.present() ? stopped(restoreBest, log.stop(), sessionStep) : Decision.released();
            case MAX_STEPS:
            default: {
                if (!log.present() || (!log.evaluatedToEnd() && log.shuttingDown())) {
                    return Decision.released(); // finished on resume: the last checkpoint is the newest
                }
                if (log.stop() != null) {
                    return stopped(restoreBest, log.stop(), sessionStep);
                }
                EvaluationCompleted e = log.lastEvaluation();
                boolean useBest = restoreBest && e != null && e.bestStep() != null;
                long step = useBest ? e.bestStep() : lastCheckpointStep;
                return new Decision(false, CompletionReason.MAX_STEPS, Weights.CHECKPOINT, step, step,
                        useBest ? e.bestCheckpoint() : null);
            }
        }
    }

    private static Decision stopped(boolean restoreBest, StopRequested stop, long sessionStep) {
        CompletionReason reason = CompletionReason.of(stop.reason());
        if (restoreBest && stop.bestStep() != null) {
            return new Decision(false, reason, Weights.CHECKPOINT, stop.bestStep(), stop.bestStep(), stop.bestCheckpoint());
        }
        // Long.valueOf: a ternary of Long and long unboxes, and a stop without a best step would throw
        return new Decision(false, reason, Weights.CURRENT, sessionStep, restoreBest ? stop.bestStep() : Long.valueOf(sessionStep), null);
    }
}
