package org.overfitguard.trainer.api;

import org.overfitguard.contracts.spec.FieldError;

/** One bad field in a 400 response. */
public record FieldProblem(String field, String value, String allowed, String message) {

    static FieldProblem of(FieldError e) {
        return new FieldProblem(e.field(), e.value(), e.allowed(), e.message());
    }
}
