package org.overfitguard.lm.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;

/**
 * Device choice: auto takes the first GPU when DJL's PyTorch engine sees one, else the CPU; gpu
 * insists on a GPU. A GPU needs a CUDA libtorch (see docs/deploy.md: PYTORCH_LIBRARY_PATH,
 * PYTORCH_FLAVOR, PYTORCH_VERSION), since the CUDA natives for DJL are not on Maven Central.
 */
public final class Devices {

    private Devices() {
    }

    public static Device select(String mode) {
        int gpus = Engine.getEngine("PyTorch").getGpuCount();
        return switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> gpus > 0 ? Device.gpu(0) : Device.cpu();
            case "cpu" -> Device.cpu();
            case "gpu" -> {
                if (gpus == 0) {
                    throw new IllegalStateException("device gpu was asked for, but DJL's PyTorch engine sees no GPU"
                            + " (is a CUDA libtorch on PYTORCH_LIBRARY_PATH?)");
                }
                yield Device.gpu(0);
            }
            default -> throw new IllegalArgumentException("device must be one of auto, cpu, gpu, was '" + mode + "'");
        };
    }
}
