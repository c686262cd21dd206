package org.overfitguard.monitor.api;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.overfitguard.monitor.MonitorConfig;

/** Where the dashboard's pages link to outside the monitor: trainer-service (a run's exported model). */
@Path("/api/links")
@Produces(MediaType.APPLICATION_JSON)
public class LinkResource {

    @Inject
    MonitorConfig config;

    @GET
    @Operation(summary = "Base URLs the pages link to (monitor.trainer-url)")
    public Map<String, String> links() {
        return Map.of("trainer", config.trainerUrl().replaceAll("/+$", ""));
    }
}
