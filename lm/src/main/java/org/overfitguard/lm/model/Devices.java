package org.overfitguard.lm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Device choice: auto takes the first GPU when DJL's PyTorch engine sees one, else the CPU; gpu
 * insists on a GPU. A GPU needs a CUDA libtorch (see docs/deploy.md: PYTORCH_LIBRARY_PATH,
 * PYTORCH_FLAVOR, PYTORCH_VERSION), since the CUDA natives for DJL are not on Maven Central. The
 * environment is checked before the engine loads ({@link NativeEnvironment}), so a GPU image on a
 * node without a GPU fails with a message that says so.
 */
public final class Devices {

    private Devices() {
    }

    public static Device select(String mode) {
        return select(mode, NativeEnvironment.current());
    }

    public static Device select(String mode, NativeEnvironment environment) {
        String m = mode.toLowerCase(Locale.ROOT);
        if (!m.equals("auto") && !m.equals("cpu") && !m.equals("gpu")) {
            throw new IllegalArgumentException("device must be one of auto, cpu, gpu, was '" + mode + "'");
        }
        environment.problemWith(m).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        int gpus = gpuCount(environment);
        return switch (m) {
            case "auto" -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            case "cpu" -> Device.cpu();
            default -> {
                if (gpus == 0) {
                    throw new IllegalStateException("device gpu was asked for, but DJL's PyTorch engine sees no GPU ("
                            + environment.describe() + ")");
                }
                yield Device.gpu(0);
            }
        };
    }

    private static int gpuCount(NativeEnvironment environment) {
        try {
            return Engine.getEngine("PyTorch").getGpuCount();
        } catch (RuntimeException | LinkageError e) {
            throw new IllegalStateException("DJL's PyTorch engine did not load (" + environment.describe() + "): " + e, e);
        }
    }
}
