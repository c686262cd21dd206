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

    /** The tokenized corpus store: its directory and its budget (least recently used entries go first). */
    Store store();

    interface Store {
        String dir();

        long maxBytes();
    }

    /** Malformed UTF-8 sequences per byte, or skipped jsonl lines per line, past which a corpus is refused. */
    @WithDefault("0.01")
    double maxBadShare();

    /** The longest jsonl line (one document) read; longer ones are skipped and counted. */
    @WithDefault("16777216")
    int maxDocumentBytes();

    /** Batch streams that run at once (a thread and a dataset each); more wait for a free one. */
    @WithDefault("32")
    int maxStreams();

    /** What one run's held-out topic may hold: a larger evaluation set (evaluation.max_tokens) fails the run naming both. */
    @WithDefault("536870912")
    long maxHeldoutBytes();

    int leadBatches();

    int heldoutWindowsPerRecord();

    /** The brokers' record limit (producers' max.request.size, brokers' message.max.bytes): no record is made larger. */
    @WithDefault("1048576")
    int maxRecordBytes();

    Duration topicRetention();

    boolean deleteTopicsAfterRun();

    int entropySamples();
}
