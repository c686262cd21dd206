package org.overfitguard.messaging;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.DeadLetterHeaders;
import org.overfitguard.contracts.Topics;

/**
 * Dead letters of the plain-client consumers: the record goes, bytes unchanged, to
 * {@link Topics#DEAD_LETTERS} with the same headers the SmallRye connector writes (reason, cause,
 * origin topic, partition, offset) plus the consumer that refused it. Never throws: a consumer
 * that cannot park a poison record logs it and moves on.
 */
public final class DeadLetters implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DeadLetters.class);

    private final KafkaProducer<String, byte[]> producer;
    private final String consumer;

    public DeadLetters(KafkaConnection kafka, String consumer) {
        this.producer = new KafkaProducer<>(KafkaClients.producer(kafka, consumer + "-dead-letters"));
        this.consumer = consumer;
    }

    /** The reason and cause as headers are cut to this many characters: a hostile record must not make a huge letter. */
    static final int MAX_HEADER_CHARS = 2000;

    public void send(ConsumerRecord<String, byte[]> record, String reason, Throwable cause) {
        ProducerRecord<String, byte[]> letter = new ProducerRecord<>(Topics.DEAD_LETTERS, record.key(), record.value());
        for (Header h : record.headers()) {
            letter.headers().add(h);
        }
        header(letter, DeadLetterHeaders.REASON, reason);
        header(letter, DeadLetterHeaders.CAUSE, cause == null || cause.getMessage() == null ? "" : cause.getMessage());
        header(letter, DeadLetterHeaders.EXCEPTION_CLASS, cause == null ? "" : cause.getClass().getName());
        header(letter, DeadLetterHeaders.TOPIC, record.topic());
        header(letter, DeadLetterHeaders.PARTITION, String.valueOf(record.partition()));
        header(letter, DeadLetterHeaders.OFFSET, String.valueOf(record.offset()));
        header(letter, DeadLetterHeaders.CONSUMER, consumer);
        try {
            producer.send(letter).get(30, TimeUnit.SECONDS);
            LOG.warnf("dead letter: %s-%d@%d: %s", record.topic(), record.partition(), record.offset(), reason);
        } catch (Exception e) {
            LOG.errorf(e, "could not dead-letter %s-%d@%d (%s)", record.topic(), record.partition(), record.offset(), reason);
        }
    }

    private static void header(ProducerRecord<String, byte[]> r, String name, String value) {
        r.headers().remove(name);
        String cut = value.length() > MAX_HEADER_CHARS ? value.substring(0, MAX_HEADER_CHARS) + "..." : value;
        r.headers().add(name, cut.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public void close() {
        producer.close();
    }
}
