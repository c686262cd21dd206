package org.overfitguard.trainer.training;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import org.jboss.logging.Logger;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.messaging.supervision.Loops;
import org.overfitguard.messaging.supervision.SupervisedLoop;
import org.overfitguard.trainer.ledger.RunBook;
import org.overfitguard.trainer.ledger.RunRecord;

/**
 * One worker per device: once the ledger has caught up, it trains the next run (an interrupted one
 * first, then the oldest request), one at a time; later runs wait. A second, light loop ends runs
 * cancelled while they wait in the queue, so a cancel never waits for the run ahead. Both are
 * {@link SupervisedLoop}s: an unexpected failure restarts them, and a worker that stops beating
 * (a step or a wait that never returns) makes the service's liveness check DOWN.
 *
 * <p>A run the worker cannot carry on (its RunStarted could not be published, say) is handed back
 * and taken again after a pause; every start is a RunStarted, and {@link RunExecutor} fails a run
 * that was started trainer.max-attempts times from the same step, so no run blocks the queue.
 */
@ApplicationScoped
public class RunScheduler {

    private static final Logger LOG = Logger.getLogger(RunScheduler.class);
    /** Longer than any wait of a run that does not beat meanwhile (the dataset and final-evaluation timeouts). */
    static final Duration WORKER_STALL = Duration.ofMinutes(10);
    static final Duration RETRY_PAUSE = Duration.ofSeconds(5);

    @Inject
    RunBook book;
    @Inject
    RunExecutor executor;
    @Inject
    TrainerEvents events;
    @Inject
    Loops loops;

    private volatile boolean busy;
    private SupervisedLoop worker;
    private SupervisedLoop canceller;

    void start(@Observes StartupEvent ignored) {
        worker = loops.start(new SupervisedLoop("trainer-worker", WORKER_STALL, this::work));
        canceller = loops.start(new SupervisedLoop("trainer-queue-canceller", Duration.ofMinutes(1), this::cancelQueued));
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        if (worker != null) {
            canceller.close(Duration.ofSeconds(5));
            worker.requestClose(); // the step in flight finishes; the run resumes from its checkpoint next time
            worker.join(Duration.ofSeconds(15));
        }
    }

    public boolean busy() {
        return busy;
    }

    private void work(SupervisedLoop.Heartbeat heartbeat) throws InterruptedException {
        while (!heartbeat.closing()) {
            heartbeat.beat();
            if (!book.caughtUp()) {
                book.awaitChange(Duration.ofMillis(500));
                continue;
            }
            Optional<RunRecord> next = book.take();
            if (next.isEmpty()) {
                book.awaitChange(Duration.ofSeconds(1));
                continue;
            }
            busy = true;
            try {
                executor.execute(next.get(), heartbeat);
            } catch (RuntimeException e) {
                LOG.errorf(e, "run %s: could not be carried on; taken again in %d s", next.get().runId(), RETRY_PAUSE.toSeconds());
                Thread.sleep(RETRY_PAUSE.toMillis());
                book.release(next.get().runId());
            } finally {
                busy = false;
            }
        }
    }

    private void cancelQueued(SupervisedLoop.Heartbeat heartbeat) throws InterruptedException {
        while (!heartbeat.closing()) {
            heartbeat.beat();
            for (RunRecord run : book.takeCancelledWhileQueued()) {
                try {
                    events.publish(new RunCompleted(run.runId(), Event.newId(), Event.now(), CompletionReason.CANCELLED,
                            0, null, null, null, null));
                    book.markFinishedHere(run.runId());
                    LOG.infof("run %s: cancelled before it started", run.runId());
                } catch (RuntimeException e) {
                    LOG.errorf(e, "run %s: could not end the cancelled run; trying again", run.runId());
                    book.release(run.runId());
                }
            }
            book.awaitChange(Duration.ofSeconds(1));
        }
    }
}
