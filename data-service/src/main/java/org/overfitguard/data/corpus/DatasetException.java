package org.overfitguard.data.corpus;

/** The run's data cannot be prepared; the message is the reason its RunFailed gives. */
public final class DatasetException extends Exception {
    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
