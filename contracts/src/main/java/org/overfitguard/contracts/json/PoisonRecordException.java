package org.overfitguard.contracts.json;

/** A record that cannot be understood; it belongs on the dead-letter topic with this message as reason. */
public final class PoisonRecordException extends RuntimeException {
    public PoisonRecordException(String message) {
        super(message);
    }

    public PoisonRecordException(String message, Throwable cause) {
        super(message, cause);
    }
}
