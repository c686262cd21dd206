package org.overfitguard.monitor.metrics;

import org.overfitguard.contracts.Topics;

/**
 * The topic tag of a meter. Per-run topics (batches.&lt;runId&gt;, heldout.&lt;runId&gt;) collapse to
 * their prefix with a '*' so that the tag set stays bounded however many runs there were.
 */
public final class TopicLabel {

    private TopicLabel() {
    }

    public static String of(String topic) {
        if (topic == null || topic.isBlank()) {
            return "unknown";
        }
        if (Topics.runIdOf(topic) != null) {
            return topic.startsWith(Topics.BATCHES_PREFIX) ? Topics.BATCHES_PREFIX + "*" : Topics.HELDOUT_PREFIX + "*";
        }
        return topic;
    }

    /** Like {@link #of}, for a topic name anyone could have written (a header): unknown names become "other". */
    public static String bounded(String topic) {
        String label = of(topic);
        return Topics.STATIC.contains(label) || label.endsWith("*") || label.equals("unknown") ? label : "other";
    }
}
