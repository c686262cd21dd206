package org.overfitguard.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.RunSpec;

/**
 * A search space over run spec fields, as a tuning body writes it:
 *
 * <pre>
 * space:
 *   regularization.dropout.residual: {values: [0.0, 0.1, 0.2]}   # a list: grid axis, or drawn uniformly
 *   regularization.weight_decay:     {log_uniform: [0.001, 0.3]} # drawn: exp(U(log a, log b)), 0 &lt; a &lt; b
 *   regularization.label_smoothing:  {uniform: [0.0, 0.2]}       # drawn: U(a, b)
 *   augmentation.copies:             {int: [0, 3]}              # drawn: a, a+1, ..., b
 * </pre>
 * Drawn reals keep 4 significant digits, so a trial's name says its values exactly. Dimensions are
 * drawn in the order written, from one generator seeded by the sweep's seed: the same body gives
 * the same trials.
 */
public final class SearchSpace {

    /** Every spec field, to tell a path that names none before any trial is planned. */
    private static final ObjectNode FIELDS = Json.mapper().valueToTree(RunSpec.defaults());


    public static final int MAX_DIMENSIONS = 12;
    public static final int MAX_VALUES = 64;

    /** One field of the spec and how its values are chosen. */
    public sealed interface Dimension permits Values, Uniform, LogUniform, IntRange {
        String path();
    }

    public record Values(String path, List<JsonNode> values) implements Dimension {
    }

    public record Uniform(String path, double low, double high) implements Dimension {
    }

    public record LogUniform(String path, double low, double high) implements Dimension {
    }

    public record IntRange(String path, long low, long high) implements Dimension {
    }

    private final List<Dimension> dimensions;

    private SearchSpace(List<Dimension> dimensions) {
        this.dimensions = List.copyOf(dimensions);
    }

    public List<Dimension> dimensions() {
        return dimensions;
    }

    /** Parses {@code space}, adding an error naming the field for everything wrong with it. */
    public static SearchSpace parse(JsonNode space, List<FieldError> errors) {
        List<Dimension> dims = new ArrayList<>();
        if (space == null || !space.isObject() || space.isEmpty()) {
            errors.add(new FieldError("space", describe(space), "a map from spec paths to {values: [...]}, {uniform: [a, b]}, "
                    + "{log_uniform: [a, b]} or {int: [a, b]}, with at least one entry"));
            return new SearchSpace(dims);
        }
        if (space.size() > MAX_DIMENSIONS) {
            errors.add(new FieldError("space", space.size() + " dimensions", "at most " + MAX_DIMENSIONS));
            return new SearchSpace(dims);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = space.fields(); it.hasNext();) {
            Map.Entry<String, JsonNode> e = it.next();
            String field = "space." + FieldError.shorten(e.getKey(), 80);
            if (!SweepPlanner.isSpecPath(e.getKey())) {
                errors.add(new FieldError(field, "'" + FieldError.shorten(e.getKey(), 80) + "'",
                        "a dotted snake_case spec path, e.g. regularization.weight_decay"));
                continue;
            }
            int before = errors.size();
            SweepPlanner.set(FIELDS.deepCopy(), e.getKey(), NullNode.getInstance(), field, errors); // names a field? said with the rest
            if (errors.size() > before) {
                continue;
            }
            Dimension d = dimension(e.getKey(), e.getValue(), field, errors);
            if (d != null) {
                dims.add(d);
            }
        }
        return new SearchSpace(dims);
    }

    private static Dimension dimension(String path, JsonNode node, String field, List<FieldError> errors) {
        if (node == null || !node.isObject() || node.size() != 1) {
            errors.add(new FieldError(field, describe(node), "exactly one of {values: [...]}, {uniform: [a, b]}, {log_uniform: [a, b]}, {int: [a, b]}"));
            return null;
        }
        String kind = node.fieldNames().next();
        JsonNode arg = node.get(kind);
        String where = field + "." + FieldError.shorten(kind, 40);
        switch (kind) {
            case "values" -> {
                if (!arg.isArray() || arg.isEmpty() || arg.size() > MAX_VALUES) {
                    errors.add(new FieldError(where, describe(arg), "a list of 1 to " + MAX_VALUES + " values"));
                    return null;
                }
                List<JsonNode> values = new ArrayList<>();
                for (JsonNode v : arg) {
                    if (!v.isValueNode()) {
                        errors.add(new FieldError(where, describe(v), "numbers, booleans or names, not lists or maps"));
                        return null;
                    }
                    values.add(v);
                }
                return new Values(path, values);
            }
            case "uniform", "log_uniform", "int" -> {
                if (!arg.isArray() || arg.size() != 2 || !arg.get(0).isNumber() || !arg.get(1).isNumber()) {
                    errors.add(new FieldError(where, describe(arg), "[low, high], two numbers"));
                    return null;
                }
                double low = arg.get(0).asDouble();
                double high = arg.get(1).asDouble();
                if (!(low < high) || !Double.isFinite(low) || !Double.isFinite(high)) {
                    errors.add(new FieldError(where, describe(arg), "[low, high] with low < high, both finite"));
                    return null;
                }
                if (kind.equals("log_uniform") && low <= 0) {
                    errors.add(new FieldError(where, describe(arg), "[low, high] with 0 < low < high (a log scale)"));
                    return null;
                }
                if (kind.equals("int") && (!arg.get(0).canConvertToLong() || !arg.get(1).canConvertToLong()
                        || !arg.get(0).isIntegralNumber() || !arg.get(1).isIntegralNumber())) {
                    errors.add(new FieldError(where, describe(arg), "[low, high], two integers"));
                    return null;
                }
                return switch (kind) {
                    case "uniform" -> new Uniform(path, low, high);
                    case "log_uniform" -> new LogUniform(path, low, high);
                    default -> new IntRange(path, arg.get(0).asLong(), arg.get(1).asLong());
                };
            }
            default -> {
                errors.add(new FieldError(field, "'" + FieldError.shorten(kind, 40) + "'", "one of values, uniform, log_uniform, int"));
                return null;
            }
        }
    }

    /** The number of grid points, or -1 when a dimension is a range (a grid needs lists). */
    public long gridSize() {
        long n = 1;
        for (Dimension d : dimensions) {
            if (!(d instanceof Values v)) {
                return -1;
            }
            n = Math.min(Long.MAX_VALUE / MAX_VALUES, n * v.values().size());
        }
        return n;
    }

    /** Every combination of the lists, the first dimension varying slowest. */
    public List<List<JsonNode>> grid() {
        List<List<JsonNode>> points = new ArrayList<>();
        points.add(List.of());
        for (Dimension d : dimensions) {
            List<List<JsonNode>> next = new ArrayList<>();
            for (List<JsonNode> p : points) {
                for (JsonNode v : ((Values) d).values()) {
                    List<JsonNode> q = new ArrayList<>(p);
                    q.add(v);
                    next.add(q);
                }
            }
            points = next;
        }
        return points;
    }

    /** {@code n} points drawn independently, from a generator seeded with {@code seed}. */
    public List<List<JsonNode>> sample(int n, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<List<JsonNode>> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            List<JsonNode> p = new ArrayList<>();
            for (Dimension d : dimensions) {
                p.add(draw(d, random));
            }
            points.add(p);
        }
        return points;
    }

    private static JsonNode draw(Dimension d, SplittableRandom random) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        if (d instanceof Values v) {
            return v.values().get(random.nextInt(v.values().size()));
        } else if (d instanceof Uniform u) {
            return f.numberNode(round(u.low() + random.nextDouble() * (u.high() - u.low())));
        } else if (d instanceof LogUniform l) {
            double log = Math.log(l.low()) + random.nextDouble() * (Math.log(l.high()) - Math.log(l.low()));
            return f.numberNode(round(Math.exp(log)));
        }
        IntRange r = (IntRange) d;
        return f.numberNode(r.low() + random.nextLong(r.high() - r.low() + 1));
    }

    static double round(double x) {
        return new BigDecimal(x).round(new MathContext(4)).doubleValue();
    }

    private static String describe(JsonNode node) {
        return node == null ? "absent" : FieldError.shorten(node.toString(), 80);
    }
}
