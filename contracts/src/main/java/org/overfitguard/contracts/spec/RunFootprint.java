package org.overfitguard.contracts.spec;

import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.batch.TokenBatchCodec;

/**
 * What a run puts on Kafka, worked out from its spec before anything is sent, so the trainer can
 * refuse a run the brokers could not carry and data-service can size the run's topics. Shared
 * here because both sides must agree on it.
 */
public final class RunFootprint {

    /** Kafka's bytes around our value (record batch header, key of at most 64 bytes, CloudEvent-free headers). */
    public static final int RECORD_OVERHEAD = 512;
    /** The producer's default max.request.size and the broker's default message.max.bytes (both about 1 MiB). */
    public static final int DEFAULT_MAX_RECORD_BYTES = 1 << 20;
    /** The largest metrics_every: data-service stays at least 2 x metrics_every + 2 batches ahead, so this bounds its lead. */
    public static final int MAX_METRICS_EVERY = 1000;
    /** The most micro-batches one step may accumulate: bounds the records per step, and with them data-service's lead. */
    public static final int MAX_ACCUMULATION = 1024;
    /** How many checkpoint intervals of batches a per-run topic keeps behind the newest: what a resume may go back to. */
    public static final int RESUME_INTERVALS = 3;

    private RunFootprint() {
    }

    /** Bytes of one training batch record, for the largest vocabulary the run may get. */
    public static long batchRecordBytes(RunSpec spec, int vocabSize) {
        return TokenBatchCodec.encodedSize(64, spec.training().batchSize(), spec.model().blockSize(), vocabSize) + RECORD_OVERHEAD;
    }

    /** Bytes one held-out window (block_size inputs and targets) adds to a held-out record. */
    public static long heldOutWindowBytes(RunSpec spec, int vocabSize) {
        return TokenBatchCodec.encodedSize(0, 1, spec.model().blockSize(), vocabSize) - TokenBatchCodec.encodedSize(0, 0, 0, vocabSize);
    }

    /**
     * The fewest batch records data-service keeps ahead of the trainer: the trainer reports every
     * metrics_every steps, each step gradient_accumulation_steps records.
     */
    public static int minimumLead(RunSpec spec) {
        return (2 * spec.training().metricsEvery() + 2) * spec.training().gradientAccumulationSteps();
    }

    /** Batch records the run's batch topic must keep: a resume goes back to a checkpoint at most a few intervals old. */
    public static long retainedBatches(RunSpec spec, int lead) {
        long window = (long) RESUME_INTERVALS * spec.training().checkpointEvery() * spec.training().gradientAccumulationSteps()
                + Math.max(lead, minimumLead(spec)) + 16;
        return Math.min(window, spec.training().records());
    }

    /** retention.bytes of the run's batch topic ({@link Topics#batches}). */
    public static long batchTopicBytes(RunSpec spec, int vocabSize, int lead) {
        return retainedBatches(spec, lead) * batchRecordBytes(spec, vocabSize);
    }
}
