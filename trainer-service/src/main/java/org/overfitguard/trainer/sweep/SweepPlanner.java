package org.overfitguard.trainer.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.AugmentationSpec;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.FieldError;
import org.overfitguard.contracts.spec.InvalidRunSpecException;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.contracts.spec.ModelSpec.NormKind;
import org.overfitguard.contracts.spec.ModelSpec.NormPlacement;
import org.overfitguard.contracts.spec.RegularizationSpec;
import org.overfitguard.contracts.spec.RegularizationSpec.LabelSmoothingMode;
import org.overfitguard.contracts.spec.RegularizationSpec.WeightDecayMode;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;

/**
 * Expands a base spec into a sweep's variants.
 *
 * <p>The "ablation" preset: {@code all} (every regularizer on), then each one off in turn
 * ({@code no-dropout}, {@code no-weight-decay}, {@code no-label-smoothing}, {@code no-weight-tying},
 * {@code no-augmentation}), then the other weight decay form ({@code weight-decay-l2} when the base
 * decays decoupled), the other label smoothing form ({@code label-smoothing-others}), {@code
 * plus-head-dropout} (whole heads dropped at 0.1 besides the rest), then {@code none}. "On" means the base's own setting when it has one,
 * else: dropout 0.1 everywhere, weight decay 0.1, label smoothing 0.1, tying on, and light
 * augmentation (synonyms, deletions and swaps 0.05, sentence reordering 0.1, span deletion 0.02,
 * token masking 0.05). Early stopping and residual + LayerNorm stay as the base has them: they are
 * how every variant is measured, and part of the architecture.
 *
 * <p>A grid: {@code "path=v1,v2;path2=v3,v4"} over snake_case spec paths, e.g.
 * {@code regularization.dropout.residual=0,0.1;regularization.weight_decay=0,0.1}: every combination.
 */
public final class SweepPlanner {

    public static final int MAX_VARIANTS = 32;

    /** One run of a sweep. */
    public record Variant(String name, RunSpec spec) {
    }

    private SweepPlanner() {
    }

    public static List<Variant> ablation(RunSpec base) {
        RegularizationSpec r = base.regularization();
        DropoutSpec dropout = r.dropout().any() ? r.dropout() : DropoutSpec.of(0.1, 0.1, 0.1);
        double decay = r.weightDecay() > 0 ? r.weightDecay() : 0.1;
        double smoothing = r.labelSmoothing() > 0 ? r.labelSmoothing() : 0.1;
        AugmentationSpec a = base.augmentation();
        AugmentationSpec augmentation = a.any() ? a : new AugmentationSpec(0.05, 0.05, 0.05, 0.1, a.reorderWindow(), 0.02,
                a.spanLength(), 0.05, a.maskRandomFraction());
        AugmentationSpec noAugmentation = AugmentationSpec.defaults();
        RegularizationSpec all = r.withDropout(dropout).withWeightDecay(decay, r.weightDecayMode()).withWeightTying(true)
                .withLabelSmoothing(smoothing, r.labelSmoothingMode());
        DropoutSpec withHeads = new DropoutSpec(dropout.embedding(), dropout.attention(), dropout.residual(),
                dropout.heads() > 0 ? dropout.heads() : 0.1, dropout.mlp());
        WeightDecayMode otherDecay = r.weightDecayMode() == WeightDecayMode.L2 ? WeightDecayMode.DECOUPLED : WeightDecayMode.L2;
        LabelSmoothingMode otherSmoothing = r.labelSmoothingMode() == LabelSmoothingMode.OTHERS
                ? LabelSmoothingMode.UNIFORM : LabelSmoothingMode.OTHERS;
        List<Variant> variants = new ArrayList<>();
        variants.add(variant(base, "all", all, augmentation));
        variants.add(variant(base, "no-dropout", all.withDropout(DropoutSpec.none()), augmentation));
        variants.add(variant(base, "no-weight-decay", all.withWeightDecay(0, all.weightDecayMode()), augmentation));
        variants.add(variant(base, "no-label-smoothing", all.withLabelSmoothing(0, all.labelSmoothingMode()), augmentation));
        variants.add(variant(base, "no-weight-tying", all.withWeightTying(false), augmentation));
        variants.add(variant(base, "no-augmentation", all, noAugmentation));
        variants.add(variant(base, "weight-decay-" + otherDecay.name().toLowerCase(Locale.ROOT),
                all.withWeightDecay(decay, otherDecay), augmentation));
        variants.add(variant(base, "label-smoothing-" + otherSmoothing.name().toLowerCase(Locale.ROOT),
                all.withLabelSmoothing(smoothing, otherSmoothing), augmentation));
        if (dropout.heads() == 0) {
            variants.add(variant(base, "plus-head-dropout", all.withDropout(withHeads), augmentation));
        }
        variants.add(variant(base, "none", RegularizationSpec.defaults(), noAugmentation));
        return variants;
    }

    /** The shallowest model the architecture preset compares on: where skip paths and normalization matter. */
    public static final int ARCHITECTURE_MIN_LAYERS = 6;

    /**
     * The "architecture" preset (the request's point 7): the base's regularization on a model of at
     * least {@value #ARCHITECTURE_MIN_LAYERS} layers, with {@code pre-layernorm} (the default
     * block), {@code post-layernorm}, {@code pre-rmsnorm}, {@code post-rmsnorm}, {@code no-norm},
     * {@code no-residual} (pre-LayerNorm without skip paths) and {@code no-residual-no-norm}.
     */
    public static List<Variant> architecture(RunSpec base) {
        ModelSpec m = base.model();
        ModelSpec deep = ModelSpec.of(Math.max(m.layers(), ARCHITECTURE_MIN_LAYERS), m.heads(), m.width(), m.blockSize());
        List<Variant> variants = new ArrayList<>();
        variants.add(model(base, "pre-layernorm", deep));
        variants.add(model(base, "post-layernorm", deep.withNorm(NormPlacement.POST, NormKind.LAYERNORM)));
        variants.add(model(base, "pre-rmsnorm", deep.withNorm(NormPlacement.PRE, NormKind.RMSNORM)));
        variants.add(model(base, "post-rmsnorm", deep.withNorm(NormPlacement.POST, NormKind.RMSNORM)));
        variants.add(model(base, "no-norm", deep.withNorm(NormPlacement.NONE, NormKind.LAYERNORM)));
        variants.add(model(base, "no-residual", deep.withResidual(false)));
        variants.add(model(base, "no-residual-no-norm", deep.withResidual(false).withNorm(NormPlacement.NONE, NormKind.LAYERNORM)));
        return variants;
    }

    private static Variant model(RunSpec base, String name, ModelSpec m) {
        return new Variant(name, base.withModel(m).withName(specName(base.name(), name)));
    }

    private static Variant variant(RunSpec base, String name, RegularizationSpec r, AugmentationSpec a) {
        return new Variant(name, base.withRegularization(r).withAugmentation(a).withName(specName(base.name(), name)));
    }

    /** The longest grid text accepted: a sweep is a handful of axes, not a document. */
    public static final int MAX_GRID_CHARS = 4096;
    private static final java.util.regex.Pattern PATH = java.util.regex.Pattern.compile("[a-z][a-z0-9_]*(\\.[a-z][a-z0-9_]*){0,4}");

    /**
     * Every combination of the grid's values; throws with every bad field of every variant. The
     * grid is checked and its size counted before anything is expanded.
     */
    public static List<Variant> grid(RunSpec base, String grid) {
        List<String[]> axes = new ArrayList<>();
        List<FieldError> errors = new ArrayList<>();
        if (grid.length() > MAX_GRID_CHARS) {
            throw new InvalidRunSpecException(List.of(new FieldError("grid", grid, "at most " + MAX_GRID_CHARS + " characters")));
        }
        long combinations = 1;
        for (String axis : grid.split(";", -1)) {
            String[] kv = axis.split("=", 2);
            if (kv.length != 2 || !PATH.matcher(kv[0].trim()).matches() || kv[1].isBlank()) {
                errors.add(new FieldError("grid", "'" + axis + "'",
                        "path=value1,value2 with a dotted snake_case spec path, e.g. regularization.weight_decay=0,0.1 (axes separated by ';')"));
                continue;
            }
            if (axes.stream().anyMatch(a -> a[0].equals(kv[0].trim()))) {
                errors.add(new FieldError("grid", "'" + kv[0].trim() + "'", "each path once"));
                continue;
            }
            axes.add(new String[] {kv[0].trim(), kv[1]});
            combinations = Math.min(Long.MAX_VALUE / 1024, combinations * kv[1].split(",", -1).length);
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunSpecException(errors);
        }
        if (combinations > MAX_VARIANTS) {
            throw new InvalidRunSpecException(List.of(new FieldError("grid", combinations + " combinations",
                    "at most " + MAX_VARIANTS + " combinations")));
        }
        List<List<String[]>> combinationsList = new ArrayList<>();
        combinationsList.add(List.of());
        for (String[] axis : axes) {
            List<List<String[]>> next = new ArrayList<>();
            for (List<String[]> c : combinationsList) {
                for (String value : axis[1].split(",", -1)) {
                    List<String[]> extended = new ArrayList<>(c);
                    extended.add(new String[] {axis[0], value.trim()});
                    next.add(extended);
                }
            }
            combinationsList = next;
        }
        List<Variant> variants = new ArrayList<>();
        for (List<String[]> c : combinationsList) {
            String name = String.join(",", c.stream().map(kv -> kv[0] + "=" + kv[1]).toList());
            ObjectNode tree = Json.mapper().valueToTree(base);
            for (String[] kv : c) {
                set(tree, kv[0], kv[1], errors);
            }
            RunSpecs.Checked checked = RunSpecs.check(tree.toString());
            String label = FieldError.shorten(name, 96); // the field stays whole and "(variant ...)" closed under FieldError's cut
            checked.errors().forEach(e -> errors.add(new FieldError(e.field() + " (variant " + label + ")", e.value(), e.allowed())));
            variants.add(new Variant(name, checked.spec().withName(specName(base.name(), name))));
        }
        if (!errors.isEmpty()) {
            throw new InvalidRunSpecException(errors);
        }
        return variants;
    }

    /** A dotted snake_case path of at most five names, e.g. regularization.dropout.residual. */
    /**
     * A variant's spec name within the spec's 80 characters: the base name (up to 40), then the
     * variant with every "path=value" under its field's last name, cut at 80:
     * "base/no-dropout", "base/residual=0.1,weight_decay=0.01", "base/t03 residual=0.3,...". The
     * variant itself (RunRequested.variant) keeps the whole paths.
     */
    static String specName(String baseName, String variant) {
        int space = variant.indexOf(' ');
        boolean hasId = space > 0 && !variant.substring(0, space).contains("=");
        String id = hasId ? variant.substring(0, space) : "";
        String rest = hasId ? variant.substring(space + 1) : variant;
        String values = java.util.Arrays.stream(rest.split(",", -1)).map(kv -> kv.replaceFirst("^[^=]*\\.(?=[^.=]*=)", ""))
                .collect(java.util.stream.Collectors.joining(","));
        String tail = id.isEmpty() ? values : values.isEmpty() ? id : id + " " + values;
        return cut(cut(baseName, 40) + "/" + tail, 80);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : FieldError.shorten(text, max - 3); // whole code points, "..." within max
    }

    static boolean isSpecPath(String path) {
        return path != null && path.length() <= 200 && PATH.matcher(path).matches();
    }

    private static void set(ObjectNode tree, String path, String value, List<FieldError> errors) {
        JsonNode node;
        try {
            node = Json.mapper().readTree(value);
        } catch (Exception notJson) {
            node = com.fasterxml.jackson.databind.node.TextNode.valueOf(value); // a bare word: an enum name or a string
        }
        set(tree, path, node == null ? com.fasterxml.jackson.databind.node.TextNode.valueOf(value) : node, "grid", errors);
    }

    /** Sets the spec field at {@code path} of {@code tree}; a path that names no single field is an error on {@code field}. */
    static void set(ObjectNode tree, String path, JsonNode value, String field, List<FieldError> errors) {
        String[] parts = path.split("\\.");
        ObjectNode node = tree;
        for (int i = 0; i < parts.length - 1; i++) {
            JsonNode child = node.get(parts[i]);
            if (!(child instanceof ObjectNode o)) {
                errors.add(new FieldError(field, "'" + path + "'", "a path to a spec field, e.g. regularization.weight_decay"));
                return;
            }
            node = o;
        }
        String leaf = parts[parts.length - 1];
        if (!node.has(leaf)) {
            errors.add(new FieldError(field, "'" + path + "'", "a path to a spec field, e.g. regularization.weight_decay"));
            return;
        }
        if (node.get(leaf) instanceof ObjectNode) {
            errors.add(new FieldError(field, "'" + path + "'", "a path to a single value, not a section"));
            return;
        }
        node.set(leaf, value);
    }
}
