package org.overfitguard.messaging;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Readiness (/q/health/ready): DOWN until every ledger of the service has replayed its partitions
 * once. A restarted trainer that answered before that would say "no run X" of a run it owns, and a
 * Service would route requests to it; Kubernetes (and the launchers) wait for this instead.
 */
@Readiness
@ApplicationScoped
public class LedgersReadiness implements HealthCheck {

    @Inject
    Instance<LedgerBean> ledgers;

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder b = HealthCheckResponse.named("event ledgers").up();
        for (LedgerBean l : ledgers) {
            boolean replayed = l.replayed();
            b.withData(l.name(), replayed ? "replayed" : "replaying");
            if (!replayed) {
                b.down();
            }
        }
        return b.build();
    }
}
