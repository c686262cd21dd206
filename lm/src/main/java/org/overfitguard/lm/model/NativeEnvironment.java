package org.overfitguard.lm.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Which libtorch DJL's PyTorch engine is about to load, read from the environment before it loads:
 * PYTORCH_LIBRARY_PATH (a libtorch directory; unset means the CPU build inside the fast-jar),
 * PYTORCH_FLAVOR ("cpu", or a CUDA build such as "cu128") and PYTORCH_VERSION, the variables the GPU
 * image sets (k8s/images/entrypoint.sh). {@code nvidiaDriver}: whether the NVIDIA driver is visible
 * (/proc/driver/nvidia, or a /dev/nvidia0 the device plugin mounted).
 *
 * <p>Checked first because a CUDA libtorch on a node without a GPU otherwise fails deep inside
 * native code, or, asked for "gpu", with a message that names none of this.
 */
public record NativeEnvironment(String libraryPath, String flavor, String version, boolean nvidiaDriver) {

    /** The environment of this process, and the driver files of this machine. */
    public static NativeEnvironment current() {
        return of(System.getenv(), Path.of("/"));
    }

    /** From {@code env} and the filesystem under {@code root} (a test gives a directory of its own). */
    public static NativeEnvironment of(Map<String, String> env, Path root) {
        boolean driver = Files.isDirectory(root.resolve("proc/driver/nvidia")) || Files.exists(root.resolve("dev/nvidia0"));
        return new NativeEnvironment(blankToNull(env.get("PYTORCH_LIBRARY_PATH")), blankToNull(env.get("PYTORCH_FLAVOR")),
                blankToNull(env.get("PYTORCH_VERSION")), driver);
    }

    /** A CUDA build of libtorch was asked for (PYTORCH_FLAVOR cu*). */
    public boolean cuda() {
        return flavor != null && flavor.toLowerCase(Locale.ROOT).startsWith("cu");
    }

    /** One line for the start-up log: which libtorch, and from where it was chosen. */
    public String describe() {
        if (libraryPath == null && flavor == null) {
            return "PyTorch engine: DJL's CPU libtorch from the fast-jar (no PYTORCH_LIBRARY_PATH or PYTORCH_FLAVOR set)";
        }
        return "PyTorch engine: flavour " + (flavor == null ? "(DJL's choice)" : flavor) + " (PYTORCH_FLAVOR), libtorch "
                + (libraryPath == null ? "from the fast-jar" : libraryPath + " (PYTORCH_LIBRARY_PATH)")
                + (version == null ? "" : ", version " + version + " (PYTORCH_VERSION)")
                + (cuda() ? "; NVIDIA driver " + (nvidiaDriver ? "visible" : "not visible") : "");
    }

    /**
     * Why {@code mode} ("auto", "cpu", "gpu") cannot be served here, if it cannot: a GPU asked for on
     * a CPU build, or a CUDA build without a visible driver. Empty when DJL may go ahead.
     */
    public Optional<String> problemWith(String mode) {
        if (!"gpu".equals(mode.toLowerCase(Locale.ROOT))) {
            return Optional.empty();
        }
        if (!cuda()) {
            return Optional.of("device gpu was asked for, but this libtorch is not a CUDA build (PYTORCH_FLAVOR="
                    + (flavor == null ? "unset" : flavor) + "): use the GPU image (trainer-service-gpu), whose libtorch"
                    + " is a CUDA build, or device auto / cpu");
        }
        if (!nvidiaDriver) {
            return Optional.of("device gpu was asked for with a CUDA libtorch (PYTORCH_FLAVOR=" + flavor
                    + "), but no NVIDIA GPU is visible here (neither /proc/driver/nvidia nor /dev/nvidia0): run on a GPU node"
                    + " and request nvidia.com/gpu (the NVIDIA device plugin mounts the driver), or set device auto to"
                    + " fall back to the CPU");
        }
        return Optional.empty();
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
