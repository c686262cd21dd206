package org.overfitguard.data.stream;

import java.util.function.BooleanSupplier;
import org.apache.kafka.common.errors.RetriableException;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.RunFailed;
import org.overfitguard.contracts.events.RunStarted;
import org.overfitguard.contracts.spec.RunFootprint;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.dataset.BatchFactory;
import org.overfitguard.data.dataset.Dataset;
import org.overfitguard.data.dataset.DatasetBuilder;
import org.overfitguard.messaging.KafkaConnection;
import org.overfitguard.text.augment.SynonymSource;

/**
 * One run's data, on its own thread: build the dataset (every check before anything is sent),
 * create the two topics, write the held-out set once, publish DatasetPrepared, then stream batch k
 * for k = (last batch on the topic) + 1 .. max_steps x G - 1 (G = gradient_accumulation_steps
 * records per step), staying at most {@code lead} records ahead of the trainer's reported step x G.
 * A bad corpus ends in RunFailed with the reason, nothing sent.
 */
final class RunStream implements Runnable {

    private static final Logger LOG = Logger.getLogger(RunStream.class);

    /** What a stream needs from the service. */
    record Services(DatasetBuilder builder, SynonymSource synonyms, TopicAdmin admin, DataEvents events,
                    TrainerProgress progress, DataMetrics metrics, KafkaConnection kafka, int leadBatches) {
    }

    private final RunStarted started;
    private final Services s;
    private final BooleanSupplier stop;
    private volatile boolean failedForGood;
    private volatile boolean stoppedEarly;

    RunStream(RunStarted started, Services services, BooleanSupplier stop) {
        this.started = started;
        this.s = services;
        this.stop = stop;
    }

    /** True when the run was failed (RunFailed sent): the stream must not be started again. */
    boolean failedForGood() {
        return failedForGood;
    }

    /** True when the stop condition ended the stream before every batch was sent. */
    boolean stoppedEarly() {
        return stoppedEarly;
    }

    @Override
    public void run() {
        String runId = started.runId();
        Dataset dataset;
        try {
            dataset = s.builder().build(runId, started.spec(), stop);
        } catch (DatasetException e) {
            if (stop.getAsBoolean()) {
                LOG.infof("run %s: ended while its corpus was prepared", runId);
                stoppedEarly = true;
                return;
            }
            LOG.warnf("run %s: %s", runId, e.getMessage());
            s.events().publish(RunFailed.of(runId, DataEvents.SERVICE, e.getMessage()));
            failedForGood = true;
            return;
        }
        try (dataset) {
            int lead = Math.max(s.leadBatches(), RunFootprint.minimumLead(started.spec()));
            s.admin().createRunTopics(runId, RunFootprint.batchTopicBytes(started.spec(), dataset.tokenizer().vocabSize(), lead));
            try (RunTopics topics = new RunTopics(s.kafka(), runId)) {
                int present = topics.heldOutRecords();
                if (present == 0) {
                    topics.writeHeldOut(dataset.heldOut());
                } else if (present != dataset.heldOut().records()) {
                    throw new IllegalStateException("heldout topic of run " + runId + " has " + present + " records, the dataset "
                            + dataset.heldOut().records());
                }
                s.events().publish(DatasetBuilder.describe(dataset));
                stream(dataset, topics, lead);
            }
        }
    }

    private void stream(Dataset dataset, RunTopics topics, int lead) {
        String runId = dataset.runId();
        long records = dataset.spec().training().records();
        int perStep = dataset.spec().training().gradientAccumulationSteps();
        BatchFactory factory = new BatchFactory(dataset, s.synonyms());
        long k = topics.lastBatchIndex() + 1;
        // What the trainer reported before this stream started may be lost (a restart of this service).
        // A trainer waiting for batch k reports again only after metrics_every more steps: send at least
        // that many, or the two wait for each other for ever. At worst lead + metrics_every + 1 ahead.
        s.progress().reported(runId, Math.max(0, (k - lead) / perStep + dataset.spec().training().metricsEvery() + 1));
        LOG.infof("run %s: streaming batches %d..%d, at most %d ahead of the trainer", runId, k, records - 1, lead);
        while (k < records) {
            if (stop.getAsBoolean()) {
                LOG.infof("run %s: stream stopped at batch %d", runId, k);
                stoppedEarly = true;
                return;
            }
            long ahead = k - s.progress().step(runId) * perStep;
            s.metrics().lead(runId, ahead);
            if (ahead >= lead) {
                topics.flush();
                sleep();
                continue;
            }
            if (topics.failure() != null) {
                if (!(topics.failure() instanceof RetriableException)) { // too large, not authorized, ...: sending again cannot help
                    s.events().publish(RunFailed.of(runId, DataEvents.SERVICE, "the brokers refused training batch records: "
                            + topics.failure().getMessage()));
                    failedForGood = true;
                    return;
                }
                throw new IllegalStateException("batch send failed: " + topics.failure().getMessage(), topics.failure());
            }
            BatchFactory.Made made = factory.batch(k);
            topics.send(made.batch());
            s.metrics().produced(runId, made.batch().tokens(), made.counts());
            k++;
        }
        topics.flush();
        LOG.infof("run %s: all %d batches are on the topic", runId, records);
    }

    private static void sleep() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
