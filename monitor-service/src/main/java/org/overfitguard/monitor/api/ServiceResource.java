package org.overfitguard.monitor.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.overfitguard.monitor.metrics.ServiceStates;

/** Which services are up (their consumer group has members), for the dashboard's header. */
@Path("/api/services")
@Produces(MediaType.APPLICATION_JSON)
public class ServiceResource {

    @Inject
    ServiceStates states;

    @GET
    @Operation(summary = "Each service of monitor.lag-groups: up (its consumer group has members) or down, since when")
    public List<ServiceStates.ServiceState> list() {
        return states.all();
    }
}
