package org.overfitguard.contracts.spec;

/**
 * One bad field of a run spec: its dotted snake_case path, the value given, and what is allowed.
 * {@link #message()} reads like "model.heads must divide model.width (128), was 3".
 */
public record FieldError(String field, String value, String allowed) {

    /** Values are echoed back to whoever sent them: cut to a readable length, control characters shown escaped. */
    static final int MAX_VALUE_CHARS = 80;

    public FieldError {
        field = shorten(field, 2 * MAX_VALUE_CHARS); // an unknown field's name is the sender's too
        value = shorten(value, MAX_VALUE_CHARS);
    }

    /** {@code text} cut to {@code max} characters (whole code points) with "...", control characters as a backslash, u and four hex digits. */
    public static String shorten(String text, int max) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int cp = text.codePointAt(i);
            String shown = Character.isISOControl(cp) ? String.format("\\u%04x", cp) : Character.toString(cp);
            if (out.length() + shown.length() > max) {
                return out.append("...").toString();
            }
            out.append(shown);
            i += Character.charCount(cp);
        }
        return out.toString();
    }

    public String message() {
        return field + " must be " + allowed + ", was " + value;
    }

    @Override
    public String toString() {
        return message();
    }
}
