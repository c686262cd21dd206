package org.overfitguard.contracts;

/**
 * Header names on records of {@link Topics#DEAD_LETTERS}. They match the SmallRye Kafka connector's
 * dead-letter-queue headers, so records sent by the connector and by our plain-client consumers read alike.
 */
public final class DeadLetterHeaders {
    /** Why the record was refused, in words. */
    public static final String REASON = "dead-letter-reason";
    /** The underlying cause's message, when there was one. */
    public static final String CAUSE = "dead-letter-cause";
    /** The exception's class name. */
    public static final String EXCEPTION_CLASS = "dead-letter-exception-class-name";
    /** The topic the record came from. */
    public static final String TOPIC = "dead-letter-topic";
    /** Its partition there. */
    public static final String PARTITION = "dead-letter-partition";
    /** Its offset there. */
    public static final String OFFSET = "dead-letter-offset";
    /** The consumer group that refused it (ours, not the connector's). */
    public static final String CONSUMER = "dead-letter-consumer";

    private DeadLetterHeaders() {
    }
}
