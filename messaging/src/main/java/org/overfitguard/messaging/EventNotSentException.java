package org.overfitguard.messaging;

/**
 * An event the broker did not acknowledge within the producer's delivery timeout: the brokers are
 * away, which is nobody's fault in the run. Callers retry the work (a run resumes from its
 * checkpoint) instead of failing it.
 */
public final class EventNotSentException extends IllegalStateException {
    public EventNotSentException(String message, Throwable cause) {
        super(message, cause);
    }
}
