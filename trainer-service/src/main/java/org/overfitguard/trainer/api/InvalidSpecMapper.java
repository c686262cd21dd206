package org.overfitguard.trainer.api;

import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import org.overfitguard.contracts.spec.InvalidRunSpecException;

/** A bad run spec is a 400 listing every bad field with its value and what is allowed. */
@Provider
public class InvalidSpecMapper implements ExceptionMapper<InvalidRunSpecException> {

    @Override
    public Response toResponse(InvalidRunSpecException e) {
        return Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(SpecProblems.of("run spec", e.errors()))
                .build();
    }
}
