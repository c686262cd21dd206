package org.overfitguard.lm.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How MKL, linked statically into DJL's CPU libtorch, chooses its matrix-product kernels in this
 * process: by the CPU's features, or by its vendor. On a CPU that is not Intel's, MKL takes a generic
 * AVX2 path unless the shim {@value #SHIM} (lm/src/main/c) is preloaded; on this project's AMD EPYC
 * that path runs fp32 sgemm at less than half the speed (docs/benchmarks.md). The launcher and the
 * images preload it; this says at start-up whether it took.
 *
 * @param cpuVendor the {@code vendor_id} of /proc/cpuinfo (GenuineIntel, AuthenticAMD, ...), null where
 *     there is none (not x86, where libtorch has no MKL)
 * @param shimLoaded whether the shim is mapped into this process (/proc/self/maps)
 */
public record MklDispatch(String cpuVendor, boolean shimLoaded) {

    public static final String SHIM = "libmkl-feature-dispatch.so";
    private static final Pattern VENDOR = Pattern.compile("^vendor_id\\s*:\\s*(\\S+)", Pattern.MULTILINE);

    /** This process on this machine. */
    public static MklDispatch current() {
        return of(read(Path.of("/proc/cpuinfo")), read(Path.of("/proc/self/maps")));
    }

    /** From the text of /proc/cpuinfo and /proc/self/maps (empty when unreadable). */
    public static MklDispatch of(String cpuinfo, String maps) {
        Matcher m = VENDOR.matcher(cpuinfo);
        return new MklDispatch(m.find() ? m.group(1) : null, maps.contains("/" + SHIM));
    }

    /** MKL dispatches by the CPU's features: an Intel CPU, or the shim preloaded (or no MKL at all). */
    public boolean byFeatures() {
        return cpuVendor == null || "GenuineIntel".equals(cpuVendor) || shimLoaded;
    }

    /** One line for the start-up log. */
    public String describe() {
        if (cpuVendor == null) {
            return "matrix products: no x86 vendor in /proc/cpuinfo (no MKL in this libtorch)";
        }
        String shim = " (" + SHIM + (shimLoaded ? " preloaded)" : " not preloaded)");
        if ("GenuineIntel".equals(cpuVendor)) {
            return "matrix products: MKL on an Intel CPU, kernels chosen by its features" + shim;
        }
        return (shimLoaded ? "matrix products: MKL kernels chosen by the CPU's features on this " : "matrix products: MKL's generic path on this ")
                + cpuVendor + " CPU" + shim;
    }

    /** Says at start-up how MKL dispatches here ({@link #describe}), and warns when it takes the generic path. */
    public void log(Consumer<String> info, Consumer<String> warn) {
        info.accept(describe());
        warning().ifPresent(warn);
    }

    /** What to do about a CPU on which MKL takes its generic path; empty where it does not. */
    public Optional<String> warning() {
        if (byFeatures()) {
            return Optional.empty();
        }
        return Optional.of("MKL takes its generic AVX2 path on this " + cpuVendor + " CPU whatever it supports: on AVX-512"
                + " CPUs about half the fp32 matrix-product speed. Preload the shim MKL's own kernel choice needs"
                + " (LD_PRELOAD=<repository>/lm/target/native/" + SHIM + ", as ./ensemble and the images do; docs/benchmarks.md)");
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }
}
