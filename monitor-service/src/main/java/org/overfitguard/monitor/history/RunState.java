package org.overfitguard.monitor.history;

import java.util.Locale;

/** Where a run is, as the monitor sees it from the events so far. */
public enum RunState {
    /** Requested; no trainer took it yet. */
    PENDING,
    /** A trainer took it, or training progress was seen. */
    RUNNING,
    /** A trial of a promotion-form ASHA sweep waiting at a rung to be promoted or pruned. */
    PAUSED,
    /** Ended on its final model (early stop or max steps). */
    COMPLETED,
    /** Ended by a user's cancel. */
    CANCELLED,
    /** A service could not carry it on. */
    FAILED;

    /** The name in metric tags and JSON: lowercase. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean finished() {
        return this == COMPLETED || this == CANCELLED || this == FAILED;
    }
}
