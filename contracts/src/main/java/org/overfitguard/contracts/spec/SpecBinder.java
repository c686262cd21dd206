package org.overfitguard.contracts.spec;

import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Binds a JSON tree onto a record, field by field, taking every missing field from a defaults
 * instance and collecting every type error instead of stopping at the first. A field that fails to
 * bind keeps its default, so range validation can still look at the others.
 *
 * <p>Strict on purpose: no string-to-number coercion, no truncation of 1.5 to 1, no unknown fields.
 */
final class SpecBinder {

    private final List<FieldError> errors = new ArrayList<>();

    List<FieldError> errors() {
        return errors;
    }

    <T extends Record> T bind(JsonNode node, T defaults, String path) {
        if (node == null || node.isMissingNode()) {
            return defaults;
        }
        if (!node.isObject()) {
            errors.add(new FieldError(path.isEmpty() ? "(spec)" : path, render(node), "an object"));
            return defaults;
        }
        RecordComponent[] components = defaults.getClass().getRecordComponents();
        Set<String> known = Arrays.stream(components).map(c -> snake(c.getName())).collect(Collectors.toSet());
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!known.contains(name)) {
                errors.add(new FieldError(join(path, name), render(node.get(name)),
                        "absent (unknown field; known fields here: " + String.join(", ", known.stream().sorted().toList()) + ")"));
            }
        }
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            Object fallback = read(c, defaults);
            String field = join(path, snake(c.getName()));
            JsonNode child = node.get(snake(c.getName()));
            values[i] = child == null ? fallback : convert(child, c.getType(), fallback, field);
        }
        try {
            @SuppressWarnings("unchecked")
            T bound = (T) defaults.getClass().getDeclaredConstructor(types).newInstance(values);
            return bound;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot construct " + defaults.getClass().getSimpleName(), e);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private Object convert(JsonNode node, Class<?> type, Object fallback, String field) {
        if (Record.class.isAssignableFrom(type)) {
            return bind(node, (Record) fallback, field);
        }
        if (node.isNull()) {
            if (!type.isPrimitive() && (type == Double.class || type == Long.class || type == String.class)) {
                return null;
            }
            errors.add(new FieldError(field, "null", describe(type)));
            return fallback;
        }
        if (type == int.class || type == Integer.class) {
            if (node.isIntegralNumber() && node.canConvertToInt()) {
                return node.intValue();
            }
        } else if (type == long.class || type == Long.class) {
            if (node.isIntegralNumber() && node.canConvertToLong()) {
                return node.longValue();
            }
        } else if (type == double.class || type == Double.class) {
            if (node.isNumber()) {
                return node.doubleValue();
            }
        } else if (type == boolean.class) {
            if (node.isBoolean()) {
                return node.booleanValue();
            }
        } else if (type == String.class) {
            if (node.isTextual()) {
                return node.textValue();
            }
        } else if (type.isEnum()) {
            if (node.isTextual()) {
                for (Object constant : type.getEnumConstants()) {
                    if (((Enum) constant).name().equalsIgnoreCase(node.textValue())) {
                        return constant;
                    }
                }
            }
        } else {
            throw new IllegalStateException("no binding for " + type + " at " + field);
        }
        errors.add(new FieldError(field, render(node), describe(type)));
        return fallback;
    }

    private static Object read(RecordComponent c, Record instance) {
        try {
            return c.getAccessor().invoke(instance);
        } catch (IllegalAccessException | InvocationTargetException e) {
            throw new IllegalStateException(e);
        }
    }

    static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class || type == Long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return type.isPrimitive() ? "a number" : "a number or null";
        }
        if (type == boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "a string";
        }
        if (type.isEnum()) {
            return "one of " + Arrays.stream(type.getEnumConstants())
                    .map(e -> ((Enum<?>) e).name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        }
        return type.getSimpleName();
    }

    static String snake(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static String render(JsonNode node) {
        String text = node.isTextual() ? "'" + node.textValue() + "'" : node.toString();
        return text.length() > 80 ? text.substring(0, 77) + "..." : text;
    }
}
