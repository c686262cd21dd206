package org.overfitguard.contracts.spec;

/**
 * One bad field of a run spec: its dotted snake_case path, the value given, and what is allowed.
 * {@link #message()} reads like "model.heads must divide model.width (128), was 3".
 */
public record FieldError(String field, String value, String allowed) {

    public String message() {
        return field + " must be " + allowed + ", was " + value;
    }

    @Override
    public String toString() {
        return message();
    }
}
