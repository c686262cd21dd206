package org.overfitguard.monitor;

import io.smallrye.config.ConfigMapping;
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

    /** Consumer groups whose lag is exported. */
    List<String> lagGroups();

    /** How often the consumer lag is measured. */
    Duration lagInterval();
}
