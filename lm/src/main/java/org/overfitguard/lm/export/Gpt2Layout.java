package org.overfitguard.lm.export;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Our parameter names (DJL's block tree, e.g. "02h0_02attn_01qkv_weight") and their names and
 * layout in the GPT-2 family as Hugging Face's GPT2LMHeadModel and nanoGPT name them:
 * <pre>
 * wte                        transformer.wte.weight           (V, C)
 * wpe                        transformer.wpe.weight           (T, C)
 * NNhI_01ln1_gamma|beta      transformer.h.I.ln_1.weight|bias (C)
 * NNhI_02attn_01qkv_weight   transformer.h.I.attn.c_attn.weight  (C, 3C)  transposed
 * NNhI_02attn_01qkv_bias     transformer.h.I.attn.c_attn.bias    (3C)
 * NNhI_02attn_02proj_weight  transformer.h.I.attn.c_proj.weight  (C, C)   transposed
 * NNhI_03ln2_gamma|beta      transformer.h.I.ln_2.weight|bias
 * NNhI_04mlp_01fc_weight     transformer.h.I.mlp.c_fc.weight     (C, 4C)  transposed
 * NNhI_04mlp_02proj_weight   transformer.h.I.mlp.c_proj.weight   (4C, C)  transposed
 * NNlnF_gamma|beta           transformer.ln_f.weight|bias
 * NNhead_weight              lm_head.weight                   (V, C)   (absent when tied to wte)
 * </pre>
 * The transposes: GPT-2 keeps those four projections as Conv1D, whose weight is (in, out), where
 * our Linear (DJL), torch.nn.Linear and nanoGPT keep (out, in). A loader into nanoGPT's GPT
 * transposes exactly these four back (nanoGPT's own from_pretrained does the same).
 */
public final class Gpt2Layout {

    /** A parameter's GPT-2 name and whether its matrix is stored transposed. */
    public record Placement(String name, boolean transposed) {
    }

    private static final Pattern BLOCK = Pattern.compile("\\d{2}h(\\d+)_\\d{2}(ln1|ln2|attn|mlp)_(?:\\d{2}(qkv|proj|fc)_)?(gamma|beta|weight|bias)");
    private static final Pattern FINAL_NORM = Pattern.compile("\\d{2}lnF_(gamma|beta)");
    private static final Pattern HEAD = Pattern.compile("\\d{2}head_weight");

    private Gpt2Layout() {
    }

    /** Where one of our parameters goes, or empty for a name this layout does not know. */
    public static Optional<Placement> of(String ours) {
        if (ours.equals("wte") || ours.equals("wpe")) {
            return Optional.of(new Placement("transformer." + ours + ".weight", false));
        }
        if (HEAD.matcher(ours).matches()) {
            return Optional.of(new Placement("lm_head.weight", false));
        }
        Matcher f = FINAL_NORM.matcher(ours);
        if (f.matches()) {
            return Optional.of(new Placement("transformer.ln_f." + normKind(f.group(1)), false));
        }
        Matcher b = BLOCK.matcher(ours);
        if (!b.matches()) {
            return Optional.empty();
        }
        String prefix = "transformer.h." + Integer.parseInt(b.group(1)) + ".";
        String part = b.group(2);
        String linear = b.group(3);
        String kind = b.group(4);
        if (part.startsWith("ln")) {
            return linear != null || !(kind.equals("gamma") || kind.equals("beta")) ? Optional.empty()
                    : Optional.of(new Placement(prefix + "ln_" + part.charAt(2) + "." + normKind(kind), false));
        }
        if (linear == null || !(kind.equals("weight") || kind.equals("bias"))) {
            return Optional.empty();
        }
        String module = switch (part + "." + linear) {
            case "attn.qkv" -> "attn.c_attn";
            case "attn.proj" -> "attn.c_proj";
            case "mlp.fc" -> "mlp.c_fc";
            case "mlp.proj" -> "mlp.c_proj";
            default -> null;
        };
        return module == null ? Optional.empty()
                : Optional.of(new Placement(prefix + module + "." + kind, kind.equals("weight")));
    }

    private static String normKind(String djl) {
        return djl.equals("gamma") ? "weight" : "bias";
    }

    /** A row-major (rows, cols) matrix as (cols, rows). */
    static float[] transpose(float[] m, int rows, int cols) {
        float[] t = new float[m.length];
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                t[c * rows + r] = m[r * cols + c];
            }
        }
        return t;
    }
}
