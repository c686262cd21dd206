package org.overfitguard.contracts.spec;

import java.util.List;
import java.util.stream.Collectors;

/** A run spec with one or more bad fields; carries all of them. */
public final class InvalidRunSpecException extends IllegalArgumentException {

    private final transient List<FieldError> errors;

    public InvalidRunSpecException(List<FieldError> errors) {
        super("invalid run spec: " + errors.stream().map(FieldError::message).collect(Collectors.joining("; ")));
        this.errors = List.copyOf(errors);
    }

    public List<FieldError> errors() {
        return errors;
    }
}
