package org.overfitguard.lm.model;

import java.util.Map;
import java.util.Optional;
import org.overfitguard.contracts.spec.ModelSpec;

/**
 * Peak native memory of training and evaluating a GPT, estimated from its shape before any of it
 * exists, so a service can refuse a run it could not hold instead of dying mid-run (and again at
 * every restart). Floats are 4 bytes; B rows, T block size, C width, H heads, L layers, V vocabulary,
 * P parameters.
 *
 * <p>What lives at the peak of a training step: every forward output of the step (DJL keeps them
 * in the step's scope until it closes, and autograd needs most of them), per token and layer about
 * 20 C floats (LayerNorms, q k v, projections, the 4C MLP and its GELU; 2 more with residual
 * dropout) and 6 H T for attention (scores, scaled, masked, softmax; 2 more with attention
 * dropout); per token 3 V for logits, log-probabilities and their gradient (one more with label
 * smoothing); and 8 P for weights, gradients, AdamW's two moments, the flat gradient and the update's
 * temporaries (7.4 P measured on the 50,258-symbol model; 14 P before AdamW ran on one flat buffer and
 * freed each temporary at once). Evaluation keeps
 * one forward's outputs without gradients: 26 C and 4.5 H T per token and layer, 2.5 V per token,
 * and the weights. A 10% margin and 32 MiB cover the allocator (its heap keeps freed blocks below 4 MiB for reuse). The coefficients were measured with
 * MemoryProbe (lm tests), which MemoryEstimateTest keeps honest: measured <= estimate <= 1.6 x measured.
 */
public final class MemoryEstimate {

    static final double MARGIN = 1.10;

    /**
     * glibc's heap under {@link #ALLOCATOR_ENVIRONMENT}: blocks below the 4 MiB threshold freed in one
     * step stay mapped for the next; on the smallest measured model the peak was 101 to 112 MiB
     * between runs for 82 MiB of live tensors (the 128 KiB threshold gave 87 MiB every time).
     */
    static final long ALLOCATOR_SLACK = 32L << 20;

    /**
     * The environment the estimate assumes for a process running DJL (the launcher and the images
     * set it): glibc's mmap threshold fixed at 4 MiB and its trim threshold at 64 MiB. Left dynamic,
     * glibc moves the threshold with the sizes freed so far, and the same four steps peaked 1.2 to
     * 1.7 times as high, differently in each run. Fixed at 128 KiB (as before) the peak repeats
     * within 1%, but every activation-sized block is then its own mmap and its pages fault in anew at
     * each step: training ran at 0.46 x the speed (5,612 against 12,365 tokens/s, nanoGPT's CPU
     * model, one thread; StepProfileBenchmark). At 4 MiB the per-step temporaries are reused from
     * the heap and the peak still repeats within 1-2%, 1-13% above the 128 KiB one (MemoryProbe).
     */
    public static final Map<String, String> ALLOCATOR_ENVIRONMENT = Map.of("MALLOC_MMAP_THRESHOLD_", "4194304",
            "MALLOC_TRIM_THRESHOLD_", "67108864");

    /** The worst peak seen without {@link #ALLOCATOR_ENVIRONMENT} over the estimate (1.54), rounded up. */
    static final double UNPINNED_ALLOCATOR_FACTOR = 1.6;

    /** What to multiply an estimate by in a process with environment {@code env}: 1, or 1.6 when the allocator is not pinned. */
    public static double allocatorFactor(Map<String, String> env) {
        return allocatorPinned(env) ? 1.0 : UNPINNED_ALLOCATOR_FACTOR;
    }

    /** Said once at startup by a service that admits by these estimates, when its allocator is not pinned. */
    public static Optional<String> allocatorWarning(Map<String, String> env) {
        return allocatorPinned(env) ? Optional.empty() : Optional.of("glibc's allocator is not pinned (" + ALLOCATOR_ENVIRONMENT
                + "): native memory peaks vary up to 1.5 x between runs, so memory estimates are taken " + UNPINNED_ALLOCATOR_FACTOR
                + " x larger (the launcher and the images set it)");
    }

    private static boolean allocatorPinned(Map<String, String> env) {
        return ALLOCATOR_ENVIRONMENT.entrySet().stream().allMatch(e -> e.getValue().equals(env.get(e.getKey())));
    }

    private MemoryEstimate() {
    }

    /** Peak bytes of one training step with {@code rows} sequences of the block size. */
    public static long trainingBytes(GptConfig c, int rows, boolean labelSmoothing) {
        return trainingBytes(c, rows, labelSmoothing, false);
    }

    /**
     * As {@link #trainingBytes(GptConfig, int, boolean)}, with the switches beyond the measured
     * baseline counted by their extra outputs: MLP dropout 8 C per token and layer (mask and output
     * of the 4C hidden layer), head dropout 2 C, RMSNorm 6 C (its square, mean and division are
     * separate ops where LayerNorm is one), the L2 penalty 2 P (every weight squared, then summed).
     */
    public static long trainingBytes(GptConfig c, int rows, boolean labelSmoothing, boolean l2Penalty) {
        double tokens = (double) rows * c.blockSize();
        boolean rms = c.norm() != ModelSpec.NormPlacement.NONE && c.model().normKind() == ModelSpec.NormKind.RMSNORM;
        double perLayer = (20 + (c.residualDropout() > 0 ? 2 : 0) + (c.mlpDropout() > 0 ? 8 : 0) + (c.headDropout() > 0 ? 2 : 0)
                + (rms ? 6 : 0)) * (double) c.width()
                + (6 + (c.attentionDropout() > 0 ? 2 : 0)) * (double) c.heads() * c.blockSize();
        double perToken = c.layers() * perLayer + (3 + (labelSmoothing ? 1 : 0)) * (double) c.vocabSize() + 4.0 * c.width();
        double floats = (8.0 + (l2Penalty ? 2 : 0)) * c.expectedParameterCount() + tokens * perToken;
        return bytes(floats);
    }

    /** Peak bytes of evaluating {@code rows} sequences in one forward pass. */
    public static long evaluationBytes(GptConfig c, int rows) {
        double tokens = (double) rows * c.blockSize();
        boolean rms = c.norm() != ModelSpec.NormPlacement.NONE && c.model().normKind() == ModelSpec.NormKind.RMSNORM;
        double perLayer = (26.0 + (rms ? 6 : 0)) * c.width() + 4.5 * c.heads() * c.blockSize();
        double floats = c.expectedParameterCount() + tokens * (c.layers() * perLayer + 2.5 * c.vocabSize() + 4.0 * c.width());
        return bytes(floats);
    }

    /** The most rows per forward pass (at most {@code maxRows}, at least 1) whose evaluation fits {@code budget} bytes. */
    public static int rowsWithin(GptConfig c, long budget, int maxRows) {
        int rows = maxRows;
        while (rows > 1 && evaluationBytes(c, rows) > budget) {
            rows = Math.max(1, rows / 2);
        }
        return rows;
    }

    /** Bytes of one checkpoint on disk: parameters and AdamW's two moments as floats, plus metadata. */
    public static long checkpointBytes(long parameters) {
        return 12 * parameters + 64 * 1024;
    }

    private static long bytes(double floats) {
        return (long) Math.ceil(floats * 4 * MARGIN) + ALLOCATOR_SLACK;
    }

    /** For messages: 1.5 GiB, 300 MiB, 12 KiB. */
    public static String human(long bytes) {
        String[] units = {"B", "KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = 0;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return u == 0 ? bytes + " B" : String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}
