package org.overfitguard.contracts.batch;

/** Bytes that are not a valid token batch: truncated, altered, or of an unknown format. */
public final class CorruptBatchException extends IllegalArgumentException {
    public CorruptBatchException(String message) {
        super(message);
    }
}
