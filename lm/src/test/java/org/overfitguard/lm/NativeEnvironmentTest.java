package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overfitguard.lm.model.Devices;
import org.overfitguard.lm.model.NativeEnvironment;

/** What the GPU image's environment says, and the messages a node without a GPU gets. */
class NativeEnvironmentTest {

    private static final Map<String, String> GPU_IMAGE = Map.of("PYTORCH_LIBRARY_PATH", "/opt/libtorch/lib",
            "PYTORCH_FLAVOR", "cu128", "PYTORCH_VERSION", "2.7.1");

    @TempDir
    Path root;

    @Test
    void theGpuImagesEnvironmentIsACudaBuildAndSaysWhereEachPartCameFrom() {
        NativeEnvironment env = NativeEnvironment.of(GPU_IMAGE, root);
        assertTrue(env.cuda());
        assertFalse(env.nvidiaDriver(), "an empty root has no driver");
        assertEquals("PyTorch engine: flavour cu128 (PYTORCH_FLAVOR), libtorch /opt/libtorch/lib (PYTORCH_LIBRARY_PATH),"
                + " version 2.7.1 (PYTORCH_VERSION); NVIDIA driver not visible", env.describe());
    }

    @Test
    void gpuOnACudaBuildWithoutADriverFailsBeforeTheEngineLoadsAndSaysWhatToDo() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Devices.select("gpu", NativeEnvironment.of(GPU_IMAGE, root)));
        assertTrue(e.getMessage().contains("PYTORCH_FLAVOR=cu128") && e.getMessage().contains("no NVIDIA GPU is visible")
                && e.getMessage().contains("nvidia.com/gpu"), e.getMessage());
    }

    @Test
    void aVisibleDriverLetsGpuGoOnToTheEngine() throws IOException {
        Files.createDirectories(root.resolve("proc/driver/nvidia"));
        assertTrue(NativeEnvironment.of(GPU_IMAGE, root).problemWith("gpu").isEmpty());
        Path other = Files.createDirectories(root.resolve("other/dev"));
        Files.createFile(other.resolve("nvidia0"));
        assertTrue(NativeEnvironment.of(GPU_IMAGE, root.resolve("other")).nvidiaDriver(), "a device node is enough");
    }

    @Test
    void gpuOnTheCpuBuildNamesTheGpuImage() {
        NativeEnvironment cpu = NativeEnvironment.of(Map.of("PYTORCH_FLAVOR", " "), root);
        assertFalse(cpu.cuda(), "a blank variable is unset");
        assertEquals("PyTorch engine: DJL's CPU libtorch from the fast-jar (no PYTORCH_LIBRARY_PATH or PYTORCH_FLAVOR set)",
                cpu.describe());
        assertTrue(cpu.problemWith("GPU").orElseThrow().contains("trainer-service-gpu"));
    }

    @Test
    void autoAndCpuAreNeverRefusedByTheEnvironment() {
        NativeEnvironment env = NativeEnvironment.of(GPU_IMAGE, root);
        assertTrue(env.problemWith("auto").isEmpty() && env.problemWith("cpu").isEmpty(),
                "auto falls back to the CPU; a CUDA libtorch also runs on the CPU");
        assertEquals(Device.cpu(), Devices.select("cpu", NativeEnvironment.of(Map.of(), root)));
        assertThrows(IllegalArgumentException.class, () -> Devices.select("tpu", NativeEnvironment.of(Map.of(), root)));
    }
}
