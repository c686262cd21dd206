package org.overfitguard.data.stream;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;
import org.overfitguard.data.DataConfig;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.data.dataset.DatasetBuilder;
import org.overfitguard.data.store.CorpusStore;
import org.overfitguard.messaging.KafkaConnection;
import org.overfitguard.messaging.supervision.Loops;
import org.overfitguard.messaging.supervision.SupervisedLoop;
import org.overfitguard.text.augment.WordNetSynonyms;

/**
 * Keeps one {@link RunStream} per run that needs one: started (by its latest RunStarted) and not
 * ended. Acts only once the ledger has caught up. A stream that failed on a transient error is
 * started again after a pause; one that failed the run (bad corpus) is not. Streams of ended runs
 * stop at their next batch, and their topics are deleted when configured. A stream also stops when
 * its run is forgotten (partition revoked, as a broker restart may do); if the run comes back with
 * its partition, a new stream carries on from the last batch on the topic.
 */
@ApplicationScoped
public class StreamSupervisor {

    private static final Logger LOG = Logger.getLogger(StreamSupervisor.class);
    private static final long RETRY_MILLIS = 5000;

    @Inject
    StreamBook book;
    @Inject
    DataConfig config;
    @Inject
    TopicAdmin admin;
    @Inject
    DataEvents events;
    @Inject
    TrainerProgress progress;
    @Inject
    DataMetrics metrics;
    @Inject
    KafkaConnection kafka;

    /** Runs whose stream thread is alive now; at most one per run. */
    private final Set<String> streaming = ConcurrentHashMap.newKeySet();
    private final Set<String> cleanedUp = ConcurrentHashMap.newKeySet();
    /** data.max-streams threads at most; later streams wait for one (a paused trial holds none). */
    private ExecutorService streams;
    private RunStream.Services services;
    @Inject
    Loops loops;
    private SupervisedLoop loop;
    private volatile boolean running = true;

    /** Whether a stream of this run is running now (until its thread has ended). */
    public boolean streaming(String runId) {
        return streaming.contains(runId);
    }

    void start(@Observes StartupEvent ignored) {
        streams = Executors.newFixedThreadPool(config.maxStreams(), r -> {
            Thread t = new Thread(r, "run-stream");
            t.setDaemon(true);
            return t;
        });
        CorpusStore store = new CorpusStore(Path.of(config.store().dir()), config.store().maxBytes(), config.instanceId(),
                config.maxBadShare(), config.maxDocumentBytes());
        DatasetBuilder builder = new DatasetBuilder(new SourceFiles(Path.of(config.root())), store, config.heldoutWindowsPerRecord(),
                config.entropySamples(), config.maxRecordBytes(), config.maxHeldoutBytes());
        services = new RunStream.Services(builder, new WordNetSynonyms(), admin, events, progress, metrics,
                kafka, config.leadBatches());
        loop = loops.start(new SupervisedLoop("stream-supervisor", Duration.ofMinutes(2), this::supervise));
        LOG.infof("data root %s, corpus store %s (at most %,d bytes)", Path.of(config.root()).toAbsolutePath().normalize(),
                store.dir(), config.store().maxBytes());
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        running = false;
        if (loop != null) {
            loop.close(Duration.ofSeconds(5));
        }
        if (streams != null) {
            streams.shutdown();
            streams.awaitTermination(10, TimeUnit.SECONDS);
        }
    }

    private void supervise(SupervisedLoop.Heartbeat heartbeat) throws InterruptedException {
        while (!heartbeat.closing()) {
            heartbeat.beat();
            if (book.caughtUp()) {
                reconcile();
            }
            book.awaitChange(Duration.ofSeconds(1));
        }
    }

    private void reconcile() {
        for (StreamBook.Entry e : book.entries()) {
            if (e.started() == null) {
                continue;
            }
            if (e.ended()) {
                if (config.deleteTopicsAfterRun() && !streaming.contains(e.runId()) && cleanedUp.add(e.runId())) {
                    admin.deleteRunTopics(e.runId());
                    progress.forget(e.runId());
                }
                continue;
            }
            if (!e.launched() && !e.paused()) {
                book.markLaunched(e.runId(), true);
                if (streaming.add(e.runId())) { // else the running stream carries on: it is the same batch sequence
                    launch(e);
                }
            }
        }
    }

    private void launch(StreamBook.Entry e) {
        String runId = e.runId();
        RunStream stream = new RunStream(e.started(), services, () -> !running || book.ended(runId) || book.paused(runId));
        streams.submit(() -> {
            boolean again = false;
            try {
                stream.run();
                if (stream.failedForGood()) {
                    book.markEnded(runId);
                }
                again = stream.stoppedEarly(); // forgotten, then perhaps back: wanted again unless it ended
            } catch (RuntimeException ex) {
                LOG.errorf(ex, "run %s: stream failed; retrying in %d s", runId, RETRY_MILLIS / 1000);
                pause();
                again = true;
            } catch (VirtualMachineError fatal) {
                // out of memory: nothing in this JVM can be trusted to go on, and a stream that stopped here would
                // leave its trainer waiting for ever; the platform (or ./ensemble) restarts the service, which resumes
                LOG.fatalf(fatal, "run %s: %s in its stream; exiting so that the service is restarted", runId, fatal);
                Runtime.getRuntime().halt(3);
            } finally {
                metrics.ended(runId);
                streaming.remove(runId);
                if (again && running && !book.ended(runId)) {
                    book.markLaunched(runId, false); // started again at the next look
                }
            }
        });
    }

    private static void pause() {
        try {
            Thread.sleep(RETRY_MILLIS);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
        }
    }
}
