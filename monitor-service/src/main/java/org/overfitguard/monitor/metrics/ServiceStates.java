package org.overfitguard.monitor.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which services are up, as Kafka sees them: a service's consumer group (named after the service)
 * with at least one member is up. A process that died stays a member until its session times out
 * (15 s for the ledgers), then the service shows down here, on the dashboard and as
 * overfit.service.up = 0, until it joins again.
 */
@ApplicationScoped
public class ServiceStates {

    /**
     * @param service the service (its consumer group)
     * @param up      at least one member in the group
     * @param members how many
     * @param since   when it was last seen to change (or first measured)
     */
    public record ServiceState(String service, boolean up, int members, Instant since) {
    }

    private final Map<String, ServiceState> states = new TreeMap<>();

    synchronized void measured(String service, int members) {
        ServiceState before = states.get(service);
        boolean up = members > 0;
        Instant since = before != null && before.up() == up ? before.since() : Instant.now();
        states.put(service, new ServiceState(service, up, members, since));
    }

    public synchronized List<ServiceState> all() {
        return List.copyOf(states.values());
    }

    public synchronized double up(String service) {
        ServiceState s = states.get(service);
        return s == null ? Double.NaN : s.up() ? 1 : 0;
    }
}
