package org.overfitguard.trainer.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.Map;
import org.overfitguard.trainer.models.ModelUnavailableException;

/** No such weights: 404; no final model yet: 409; every model slot busy: 503 with Retry-After. */
@Provider
public class ModelUnavailableMapper implements ExceptionMapper<ModelUnavailableException> {

    @Override
    public Response toResponse(ModelUnavailableException e) {
        Response.ResponseBuilder r = switch (e.kind()) {
            case NOT_FOUND -> Response.status(Response.Status.NOT_FOUND);
            case NOT_READY, NOT_EXPORTABLE -> Response.status(Response.Status.CONFLICT);
            case BUSY -> Response.status(Response.Status.SERVICE_UNAVAILABLE).header("Retry-After", "5");
        };
        return r.type(MediaType.APPLICATION_JSON).entity(Map.of("error", e.getMessage())).build();
    }
}
