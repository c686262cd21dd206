/*
 * Preloaded (LD_PRELOAD) into the trainer and evaluator: lets Intel MKL, which libtorch_cpu.so links
 * statically, choose its matrix-product kernels by the CPU's features alone.
 *
 * MKL first asks whether the CPU is an Intel one (mkl_serv_intel_cpu_true, reached through the PLT,
 * so a preloaded definition takes its place) and, on any other vendor, takes a generic AVX2 path
 * whatever the CPU supports. On this project's AMD EPYC (Zen 5, full-width AVX-512) that path runs
 * fp32 sgemm at about 100 GFLOP/s on one core, the AVX-512 path at about 230 (MatmulRoofBenchmark;
 * docs/benchmarks.md). MKL still reads the feature bits (AVX2, AVX-512, AMX) before it picks a
 * kernel, so a CPU gets no instruction it lacks. On an Intel CPU this changes nothing.
 *
 * No libc, no other symbol: built with -nostdlib, it loads into any glibc or musl process.
 */
int mkl_serv_intel_cpu_true(void) {
    return 1;
}
