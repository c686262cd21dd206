package org.overfitguard.contracts.events;

/** Why a run ended. The first four are early-stopping decisions (see {@link StopReason}). */
public enum CompletionReason {
    PATIENCE_EXHAUSTED, STOPPING_THRESHOLD, DIVERGENCE, NON_FINITE, MAX_STEPS, CANCELLED;

    public static CompletionReason of(StopReason reason) {
        return valueOf(reason.name());
    }
}
