package org.overfitguard.messaging.supervision;

import java.time.Duration;
import java.time.Instant;
import org.jboss.logging.Logger;

/**
 * A service's long-lived worker thread that cannot die for good. The body runs until it returns
 * (the loop is closing) or throws; a throw is logged and the body started again after a backoff
 * (1 s, doubling to 30 s, back to 1 s after a minute of good running). A {@link VirtualMachineError}
 * (out of memory, stack overflow) is not retried: the loop is marked dead so that the liveness
 * check fails and the platform restarts the process, which is the only cure for those.
 *
 * <p>The body calls {@link Heartbeat#beat()} at least once per {@code stallTimeout} while it works
 * or waits; a loop whose last beat is older is reported stuck.
 */
public final class SupervisedLoop implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(SupervisedLoop.class);
    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(30);
    static final Duration GOOD_RUN = Duration.ofMinutes(1);

    /** What the loop runs; see the class comment for its contract. */
    @FunctionalInterface
    public interface Body {
        void run(Heartbeat heartbeat) throws Exception;
    }

    /** What the body sees of its loop: proof of life, and whether it should return. */
    public interface Heartbeat {
        void beat();

        /** True once the loop is being closed: the body should return soon. */
        boolean closing();
    }

    public enum State { NEW, RUNNING, BACKING_OFF, DEAD, STOPPED }

    /** A snapshot for the health check and the logs. */
    public record Status(String name, State state, Instant lastBeat, int restarts, String lastError, boolean stuck) {
        public boolean healthy() {
            return state != State.DEAD && !stuck;
        }
    }

    private final String name;
    private final Duration stallTimeout;
    private final Body body;
    private final Thread thread;
    private volatile boolean closing;
    private volatile State state = State.NEW;
    private volatile long lastBeatNanos = System.nanoTime();
    private volatile Instant lastBeat = Instant.now();
    private volatile int restarts;
    private volatile String lastError;
    private final Heartbeat heartbeat = new Heartbeat() {
        @Override
        public void beat() {
            SupervisedLoop.this.beat();
        }

        @Override
        public boolean closing() {
            return closing;
        }
    };

    public SupervisedLoop(String name, Duration stallTimeout, Body body) {
        this.name = name;
        this.stallTimeout = stallTimeout;
        this.body = body;
        this.thread = new Thread(this::supervise, name);
        thread.setDaemon(true);
    }

    public SupervisedLoop start() {
        thread.start();
        return this;
    }

    public String name() {
        return name;
    }

    public boolean closing() {
        return closing;
    }

    /** Stops the loop: interrupts a body that waits, and waits up to {@code timeout} for it to return. */
    public void close(Duration timeout) {
        closing = true;
        thread.interrupt();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        close(Duration.ofSeconds(10));
    }

    /** Asks the loop to stop without interrupting it; the body sees {@link #closing()} and returns. */
    public void requestClose() {
        closing = true;
    }

    public void join(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
    }

    public Status status() {
        boolean stuck = state == State.RUNNING && System.nanoTime() - lastBeatNanos > stallTimeout.toNanos();
        return new Status(name, state, lastBeat, restarts, lastError, stuck);
    }

    private void beat() {
        lastBeatNanos = System.nanoTime();
        lastBeat = Instant.now();
    }

    private void supervise() {
        Duration backoff = FIRST_BACKOFF;
        while (!closing) {
            long started = System.nanoTime();
            state = State.RUNNING;
            beat();
            try {
                body.run(heartbeat);
                if (closing) {
                    break;
                }
                lastError = "the loop returned while the service runs";
                LOG.errorf("%s: %s; starting it again", name, lastError);
            } catch (InterruptedException e) {
                if (closing) {
                    break;
                }
                lastError = "interrupted";
            } catch (VirtualMachineError e) {
                lastError = e.toString();
                state = State.DEAD;
                LOG.errorf(e, "%s: dead (%s); the liveness check is DOWN so the service gets restarted", name, e);
                return;
            } catch (Exception | Error e) {
                if (closing) {
                    break;
                }
                lastError = e.toString();
                LOG.errorf(e, "%s failed; starting it again in %d s (restart %d)", name, backoff.toSeconds(), restarts + 1);
            }
            if (System.nanoTime() - started > GOOD_RUN.toNanos()) {
                backoff = FIRST_BACKOFF;
            }
            state = State.BACKING_OFF;
            if (!pause(backoff)) {
                break;
            }
            restarts++;
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
        state = State.STOPPED;
    }

    /** Sleeps unless closing; false when woken by close. */
    private boolean pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
            return !closing;
        } catch (InterruptedException e) {
            return false;
        }
    }
}
