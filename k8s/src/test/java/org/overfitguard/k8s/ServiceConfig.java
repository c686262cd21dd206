package org.overfitguard.k8s;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's application.properties as the deployed (prod profile) service sees it: the keys that are
 * active outside tests, their environment-variable names, the shutdown timeout and the topics its
 * Kafka channels name.
 */
final class ServiceConfig {

    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([^.]+)\\.connector");

    private final String service;
    private final Map<String, String> active = new TreeMap<>();

    private ServiceConfig(String service, Properties properties) {
        this.service = service;
        for (String key : properties.stringPropertyNames()) {
            if (key.startsWith("%prod.")) {
                active.put(key.substring("%prod.".length()), properties.getProperty(key));
            } else if (!key.startsWith("%")) {
                active.putIfAbsent(key, properties.getProperty(key));
            }
        }
    }

    static ServiceConfig of(String service) {
        Path file = Kustomize.root().resolve(service).resolve("src/main/resources/application.properties");
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the configuration of " + service + " at " + file, e);
        }
        return new ServiceConfig(service, p);
    }

    static ServiceConfig of(String service, Properties properties) {
        return new ServiceConfig(service, properties);
    }

    String service() {
        return service;
    }

    Set<String> keys() {
        return active.keySet();
    }

    /**
     * The environment variable Quarkus maps to a property: upper case, every character other than a
     * letter or digit replaced by '_' (trainer.checkpoint-root -> TRAINER_CHECKPOINT_ROOT).
     */
    static String envName(String key) {
        return key.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    /** The environment variable names of every active key. */
    Set<String> envNames() {
        Set<String> names = new TreeSet<>();
        active.keySet().forEach(k -> names.add(envName(k)));
        return names;
    }

    /** quarkus.shutdown.timeout plus quarkus.shutdown.delay (Quarkus waits for both), zero when unset. */
    Duration shutdownTime() {
        return duration("quarkus.shutdown.timeout").plus(duration("quarkus.shutdown.delay"));
    }

    private Duration duration(String key) {
        String value = active.get(key);
        if (value == null || value.isBlank()) {
            return Duration.ZERO;
        }
        value = value.trim();
        if (value.toUpperCase(Locale.ROOT).startsWith("P")) {
            return Duration.parse(value.toUpperCase(Locale.ROOT));
        }
        Matcher m = DURATION.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException(service + ": " + key + " must be a Quarkus duration like 20s, was '" + value + "'");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2).toLowerCase(Locale.ROOT);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /**
     * Topics named by the Kafka channels, with the operation the service needs on each: an incoming
     * channel reads its topic (the channel name when no topic is set, as SmallRye does), a dead-letter
     * queue and an outgoing channel with a topic write theirs. An outgoing channel without a topic is
     * skipped: its records name their topic (Topics.forEvent), which ServiceAccess lists as writes.
     */
    Map<String, Set<String>> channelTopics() {
        Map<String, Set<String>> topics = new TreeMap<>();
        for (String key : active.keySet()) {
            Matcher m = CHANNEL.matcher(key);
            if (!m.matches() || !"smallrye-kafka".equals(active.get(key))) {
                continue;
            }
            String prefix = "mp.messaging." + m.group(1) + "." + m.group(2) + ".";
            if (m.group(1).equals("incoming")) {
                add(topics, active.getOrDefault(prefix + "topic", m.group(2)), "Read");
                String dlq = active.get(prefix + "dead-letter-queue.topic");
                if (dlq != null) {
                    add(topics, dlq, "Write");
                } else if ("dead-letter-queue".equals(active.get(prefix + "failure-strategy"))) {
                    add(topics, "dead-letter-topic-" + m.group(2), "Write"); // SmallRye's default name
                }
            } else if (active.containsKey(prefix + "topic")) {
                add(topics, active.get(prefix + "topic"), "Write");
            }
        }
        return topics;
    }

    private static void add(Map<String, Set<String>> topics, String topic, String operation) {
        topics.computeIfAbsent(topic, t -> new TreeSet<>()).add(operation);
    }
}
