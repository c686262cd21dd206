package org.overfitguard.trainer.api;

import jakarta.ws.rs.BadRequestException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import org.overfitguard.contracts.spec.FieldError;

/** The body of a 400: a summary and every bad field. */
public record SpecProblems(String error, List<FieldProblem> fields) {

    /** "invalid <what>: N bad field(s)" with every field, for any request body or parameter. */
    static SpecProblems of(String what, List<FieldError> errors) {
        return new SpecProblems("invalid " + what + ": " + errors.size() + " bad field(s)", errors.stream().map(FieldProblem::of).toList());
    }

    /** The same, as the 400 to throw. */
    static BadRequestException badRequest(String what, List<FieldError> errors) {
        return new BadRequestException(Response.status(Response.Status.BAD_REQUEST).type(MediaType.APPLICATION_JSON)
                .entity(of(what, errors)).build());
    }
}
