package org.overfitguard.trainer.models;

/** The weights asked for cannot be served now: why, and whether waiting would help. */
public final class ModelUnavailableException extends RuntimeException {

    /**
     * NOT_FOUND: no such run or checkpoint; NOT_READY: the run has no final model (yet); BUSY: every
     * model slot is taken; NOT_EXPORTABLE: the model's architecture has no GPT-2 form.
     */
    public enum Kind { NOT_FOUND, NOT_READY, BUSY, NOT_EXPORTABLE }

    private final Kind kind;

    public ModelUnavailableException(Kind kind, String message) {
        super(message);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }
}
