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
import org.overfitguard.trainer.ledger.RunBook;
import org.overfitguard.trainer.ledger.RunRecord;

/**
 * One worker per device: once the ledger has caught up, it trains the next run (an interrupted one
 * first, then the oldest request), one at a time; later runs wait. A second, light thread ends runs
 * cancelled while they wait in the queue, so a cancel never waits for the run ahead.
 */
@ApplicationScoped
public class RunScheduler {

    private static final Logger LOG = Logger.getLogger(RunScheduler.class);

    @Inject
    RunBook book;
    @Inject
    RunExecutor executor;
    @Inject
    TrainerEvents events;

    private volatile boolean running = true;
    private volatile boolean busy;
    private Thread worker;
    private Thread canceller;

    void start(@Observes StartupEvent ignored) {
        worker = new Thread(this::loop, "trainer-worker");
        worker.setDaemon(true);
        worker.start();
        canceller = new Thread(this::cancelQueued, "trainer-queue-canceller");
        canceller.setDaemon(true);
        canceller.start();
    }

    void stop(@Observes ShutdownEvent ignored) throws InterruptedException {
        running = false;
        if (worker != null) {
            canceller.interrupt();
            worker.join(15_000); // the step in flight finishes; the run resumes from its checkpoint next time
        }
    }

    public boolean busy() {
        return busy;
    }

    private void loop() {
        while (running) {
            try {
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
                    executor.execute(next.get());
                } catch (RuntimeException e) {
                    LOG.errorf(e, "run %s: could not be carried on; retrying in 5 s", next.get().runId());
                    book.release(next.get().runId());
                    sleepQuietly();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                busy = false;
            }
        }
    }

    private void cancelQueued() {
        while (running) {
            try {
                for (RunRecord run : book.takeCancelledWhileQueued()) {
                    events.publish(new RunCompleted(run.runId(), Event.newId(), Event.now(), CompletionReason.CANCELLED,
                            0, null, null, null, null));
                    book.markFinishedHere(run.runId());
                    LOG.infof("run %s: cancelled before it started", run.runId());
                }
                book.awaitChange(Duration.ofSeconds(1));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("could not end a cancelled run; retrying", e);
            }
        }
    }

    private static void sleepQuietly() {
        try {
            Thread.sleep(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
