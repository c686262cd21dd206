package org.overfitguard.monitor.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.jboss.logging.Logger;
import org.overfitguard.monitor.MonitorConfig;

/**
 * The groups of {@code monitor.lag-groups}, watched every {@code monitor.lag-interval} with the Kafka
 * Admin client (reads only):
 * <ul>
 * <li>gauge overfit.consumer.lag{group, topic}: the sum over the topic's partitions of (end offset -
 * the group's committed offset). Every consumer commits as it goes (the ledgers once caught up,
 * then every second), so lag is records not yet processed. A group that never committed has no series.
 * <li>gauge overfit.service.up{service}: 1 while the group has members, 0 when it has none (the
 * service is down), also shown on the dashboard ({@link ServiceStates}).
 * </ul>
 */
@ApplicationScoped
public class ConsumerLagProbe {

    private static final Logger LOG = Logger.getLogger(ConsumerLagProbe.class);
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);

    private final MeterRegistry registry;
    private final MonitorConfig config;
    private final ServiceStates services;
    private final Map<String, Object> kafka;
    private Admin admin;
    private MultiGauge lag;
    private ScheduledExecutorService timer;
    private String lastProblem;

    /** {@code kafka} holds every kafka.* setting (bootstrap servers, TLS, SASL), as the channels get them. */
    @Inject
    public ConsumerLagProbe(MeterRegistry registry, MonitorConfig config, ServiceStates services,
                            @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.registry = registry;
        this.config = config;
        this.services = services;
        this.kafka = kafka;
    }

    void start(@Observes StartupEvent ignored) {
        Map<String, Object> settings = new HashMap<>();
        kafka.forEach((key, value) -> {
            if (AdminClientConfig.configNames().contains(key)) {
                settings.put(key, value);
            }
        });
        settings.put(AdminClientConfig.CLIENT_ID_CONFIG, "monitor-service-lag-probe");
        settings.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        settings.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) CALL_TIMEOUT.toMillis());
        admin = Admin.create(settings);
        for (String service : config.lagGroups()) {
            Gauge.builder("overfit.service.up", services, s -> s.up(service)).tag("service", service)
                    .description("1 while the service's consumer group has members, 0 when it has none").register(registry);
        }
        lag = MultiGauge.builder("overfit.consumer.lag")
                .description("records on the topic after the group's committed offsets, summed over partitions")
                .register(registry);
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "consumer-lag-probe");
            t.setDaemon(true);
            return t;
        });
        long every = config.lagInterval().toMillis();
        timer.scheduleWithFixedDelay(this::measureQuietly, Math.min(every, 1000), every, TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer != null) {
            timer.shutdownNow();
            admin.close(Duration.ofSeconds(2));
        }
    }

    private void measureQuietly() {
        try {
            measureMembers();
            lag.register(measure(), true);
            lastProblem = null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            String problem = e.getClass().getSimpleName() + ": " + e.getMessage();
            if (!problem.equals(lastProblem)) { // say it once, not every interval
                LOG.warnf("cannot measure consumer lag (the last values stay): %s", problem);
                lastProblem = problem;
            }
        }
    }

    /** Members per group; a group the broker does not know (never joined, or expired) has none. */
    private void measureMembers() {
        Map<String, KafkaFuture<ConsumerGroupDescription>> groups = admin.describeConsumerGroups(config.lagGroups()).describedGroups();
        for (String group : config.lagGroups()) {
            try {
                services.measured(group, groups.get(group).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).members().size());
            } catch (ExecutionException e) {
                services.measured(group, 0);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (TimeoutException e) {
                return; // the broker is away: we do not know, the last states stay
            }
        }
    }

    private List<MultiGauge.Row<?>> measure() throws InterruptedException, ExecutionException, TimeoutException {
        Map<Tags, Long> sums = new HashMap<>();
        for (String group : config.lagGroups()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            committed.forEach((tp, offset) -> {
                if (offset != null) {
                    latest.put(tp, OffsetSpec.latest());
                }
            });
            if (latest.isEmpty()) {
                continue;
            }
            ListOffsetsResult ends = admin.listOffsets(latest);
            for (TopicPartition tp : latest.keySet()) {
                long end;
                try {
                    end = ends.partitionResult(tp).get(CALL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).offset();
                } catch (ExecutionException e) {
                    continue; // e.g. a per-run topic deleted since the group read it
                }
                long behind = Math.max(0, end - committed.get(tp).offset());
                sums.merge(Tags.of("group", group, "topic", TopicLabel.of(tp.topic())), behind, Long::sum);
            }
        }
        return sums.entrySet().stream().<MultiGauge.Row<?>>map(e -> MultiGauge.Row.of(e.getKey(), e.getValue())).toList();
    }
}
