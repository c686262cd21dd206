package org.overfitguard.monitor.kafka;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.DeadLetterHeaders;
import org.overfitguard.contracts.Topics;
import org.overfitguard.monitor.metrics.MonitorMetrics;

/**
 * Counts the records every service parked on the dead-letter topic, by the topic they came from
 * and the consumer that refused them (header {@value DeadLetterHeaders#CONSUMER}: the plain-client
 * consumers set it; the SmallRye connector does not, so those count as consumer "unknown").
 * Only headers are read; the bytes stay as they were. Anyone who can write to the topic sets these
 * headers, so the tags are bounded: a topic or consumer we do not know is counted as "other".
 */
@ApplicationScoped
public class DeadLettersConsumer {

    private static final Logger LOG = Logger.getLogger(DeadLettersConsumer.class);

    @Inject
    MonitorMetrics metrics;

    @Incoming(Topics.DEAD_LETTERS)
    public void consume(ConsumerRecord<String, byte[]> record) {
        String topic = header(record, DeadLetterHeaders.TOPIC);
        String consumer = header(record, DeadLetterHeaders.CONSUMER);
        metrics.deadLetter(topic, consumer);
        if (record.value() == null) {
            return;
        }
        LOG.debugf("dead letter from %s (consumer %s): %s", topic, consumer, header(record, DeadLetterHeaders.REASON));
    }

    private static String header(ConsumerRecord<String, byte[]> record, String name) {
        Header h = record.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
