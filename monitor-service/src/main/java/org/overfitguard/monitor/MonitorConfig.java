package org.overfitguard.monitor;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** Settings of monitor-service, under the prefix {@code monitor}. */
@ConfigMapping(prefix = "monitor")
public interface MonitorConfig {

    /** How long a finished run keeps its per-run meters; then they are removed, so the run tag stays bounded. */
    Duration runRetention();

    /** Runs kept in memory for the dashboard; past this the least recently updated finished runs are forgotten. */
    int maxRuns();

    /** Step points and evaluation points kept per run; past this the oldest history is thinned. */
    int historyLimit();

    /** Consumer groups whose lag is exported; each is also a service (the group is the application's name) shown up or down. */
    List<String> lagGroups();

    /** Where browsers reach trainer-service, for the run page's links to a finished run's exported model. */
    @WithDefault("http://localhost:8081")
    String trainerUrl();

    /** Live dashboards (server-sent event streams) served at once; one more is a 503. */
    @WithDefault("64")
    int maxStreamClients();

    /** How often the consumer lag is measured. */
    Duration lagInterval();
}
