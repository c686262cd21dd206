package org.overfitguard.messaging.supervision;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * A service started by a local launcher ends with it: with {@code overfitguard.exit-with-stdin=true}
 * (the launcher sets it and starts the service with a pipe on standard input that it never writes)
 * a daemon thread reads standard input, and its end (the launcher exited, even by SIGKILL, and the
 * kernel closed the pipe) shuts the service down as a SIGTERM would. Off by default: a container's
 * standard input is empty from the start.
 */
@ApplicationScoped
public class StdinLifeline {

    private static final Logger LOG = Logger.getLogger(StdinLifeline.class);

    @ConfigProperty(name = "overfitguard.exit-with-stdin", defaultValue = "false")
    boolean enabled;

    void start(@Observes StartupEvent ignored) {
        if (!enabled) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                while (System.in.read() >= 0) {
                    // nothing is ever written; only the end matters
                }
            } catch (IOException e) {
                // the same: the pipe is gone
            }
            LOG.warn("standard input ended: the launcher that started this service is gone; shutting down");
            System.exit(0);
        }, "stdin-lifeline");
        t.setDaemon(true);
        t.start();
    }
}
