package org.overfitguard.messaging.supervision;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;

/**
 * Liveness (/q/health/live): DOWN when a worker loop is dead or stuck, so Kubernetes (and the local
 * launcher) restart the process instead of leaving a service that answers HTTP but does no work.
 */
@Liveness
@ApplicationScoped
public class LoopsLiveness implements HealthCheck {

    @Inject
    Loops loops;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("worker loops").up();
        for (SupervisedLoop.Status s : loops.statuses()) {
            b.withData(s.name(), s.state().name().toLowerCase() + (s.stuck() ? " (stuck: no heartbeat since " + s.lastBeat() + ")" : "")
                    + (s.restarts() > 0 ? ", " + s.restarts() + " restarts, last error: " + s.lastError() : ""));
            if (!s.healthy()) {
                b.down();
            }
        }
        return b.build();
    }
}
