package org.overfitguard.contracts.events;

/** Why a run ended. The first five are the evaluator's stop decisions (see {@link StopReason}). */
public enum CompletionReason {
    PATIENCE_EXHAUSTED, STOPPING_THRESHOLD, DIVERGENCE, NON_FINITE, PRUNED, MAX_STEPS, CANCELLED;

    public static CompletionReason of(StopReason reason) {
        return valueOf(reason.name());
    }
}
