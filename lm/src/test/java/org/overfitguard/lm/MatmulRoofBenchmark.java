package org.overfitguard.lm;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import java.util.Locale;

/**
 * Benchmark, not a test: the fp32 matrix-product roof of this CPU through libtorch, the yardstick of
 * the model FLOPs utilisation (MFU) in scripts/cost-growth.sh. Square products of n = 256 ... 2048,
 * the best of 5 repetitions each after one warm-up; prints each and the highest as the roof.
 *
 * <pre>java -Dai.djl.pytorch.num_threads=1 -cp ... org.overfitguard.lm.MatmulRoofBenchmark</pre>
 */
public final class MatmulRoofBenchmark {

    private static final int[] SIZES = {256, 512, 1024, 2048};
    private static final int REPETITIONS = 5;

    public static void main(String[] args) {
        double roof = 0;
        int roofSize = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int n : SIZES) {
                double best = 0;
                try (NDManager scope = manager.newSubManager()) {
                    NDArray a = scope.randomNormal(new Shape(n, n));
                    NDArray b = scope.randomNormal(new Shape(n, n));
                    a.matMul(b).close(); // warm-up: the first product pays for allocation and dispatch
                    for (int r = 0; r < REPETITIONS; r++) {
                        long t0 = System.nanoTime();
                        NDArray c = a.matMul(b);
                        // libtorch on the CPU computes eagerly: the product is done when matMul returns
                        double seconds = (System.nanoTime() - t0) / 1e9;
                        c.close();
                        best = Math.max(best, 2.0 * n * n * n / seconds / 1e9);
                    }
                }
                System.out.printf(Locale.ROOT, "  n=%d: %.1f GFLOP/s%n", n, best);
                if (best > roof) {
                    roof = best;
                    roofSize = n;
                }
            }
        }
        System.out.printf(Locale.ROOT, "matmul roof, fp32, libtorch, %d threads: %.1f GFLOP/s (n=%d)%n", JniUtils.getNumThreads(), roof,
                roofSize);
    }
}
