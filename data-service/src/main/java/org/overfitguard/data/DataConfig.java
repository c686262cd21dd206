package org.overfitguard.data;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;

/** Settings of data-service, under the prefix {@code data}. */
@ConfigMapping(prefix = "data")
public interface DataConfig {

    /** This replica's name, for its ledger's consumer group instance id. */
    String instanceId();

    /** File and directory corpora must lie under this directory. */
    String root();

    long maxCorpusBytes();

    int leadBatches();

    int heldoutWindowsPerRecord();

    /** The brokers' record limit (producers' max.request.size, brokers' message.max.bytes): no record is made larger. */
    @WithDefault("1048576")
    int maxRecordBytes();

    Duration topicRetention();

    boolean deleteTopicsAfterRun();

    int entropySamples();
}
