package org.overfitguard.lm.checkpoint;

/** A checkpoint that is missing, incomplete, altered, or does not fit the model it is loaded into. */
public final class CheckpointException extends Exception {
    public CheckpointException(String message) {
        super(message);
    }

    public CheckpointException(String message, Throwable cause) {
        super(message, cause);
    }
}
