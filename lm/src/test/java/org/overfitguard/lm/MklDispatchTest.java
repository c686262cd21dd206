package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.overfitguard.lm.model.MklDispatch;

/**
 * The MKL dispatch shim, really preloaded into a JVM that trains: it is mapped, training with it is
 * bit-reproducible from process to process, and it computes what MKL's generic path computes up to
 * the summation order of other kernels. The shim is built by lm's pom (src/main/c).
 */
class MklDispatchTest {

    private static final Path SHIM = Path.of("target/native", MklDispatch.SHIM);
    private static final String AMD = "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\n";
    private static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\n";

    @Test
    void readsTheVendorAndWhetherTheShimIsMapped() {
        MklDispatch bare = MklDispatch.of(AMD, "7f00-7f01 r-xp 00000000 08:01 12 /usr/lib/libc.so.6\n");
        assertEquals("AuthenticAMD", bare.cpuVendor());
        assertFalse(bare.byFeatures());
        assertTrue(bare.warning().orElseThrow().contains("AuthenticAMD"), bare.warning().orElseThrow());
        assertTrue(bare.warning().orElseThrow().contains("LD_PRELOAD"), bare.warning().orElseThrow());
        MklDispatch shimmed = MklDispatch.of(AMD, "7f00-7f01 r-xp 00000000 08:01 12 /repo/lm/target/native/" + MklDispatch.SHIM + "\n");
        assertTrue(shimmed.byFeatures());
        assertTrue(shimmed.warning().isEmpty());
        assertTrue(shimmed.describe().contains("chosen by the CPU's features") && shimmed.describe().contains(MklDispatch.SHIM + " preloaded"),
                shimmed.describe());
        assertTrue(MklDispatch.of(INTEL, "").byFeatures(), "Intel: MKL dispatches by features without the shim");
        assertTrue(MklDispatch.of(INTEL, "").describe().contains("not preloaded"), "the log says whether the shim took, on Intel too");
        List<String> warned = new ArrayList<>();
        List<String> said = new ArrayList<>();
        bare.log(said::add, warned::add);
        shimmed.log(said::add, warned::add);
        assertEquals(2, said.size());
        assertEquals(List.of(bare.warning().orElseThrow()), warned, "only the generic path is warned about");
        assertTrue(MklDispatch.of("processor\t: 0\nBogoMIPS\t: 50.00\n", "").byFeatures(), "no x86 vendor: no MKL");
        assertFalse(MklDispatch.of(AMD, "/repo/lm/target/native/old-" + MklDispatch.SHIM + "\n").shimLoaded(),
                "another library whose name ends the same is not the shim");
    }

    @Test
    void withTheShimTrainingIsReproducibleAndAgreesWithTheGenericPath() throws Exception {
        assertTrue(Files.isRegularFile(SHIM), SHIM + " is built by lm's pom");
        Probe generic = probe(false);
        Probe first = probe(true);
        Probe second = probe(true);
        assertFalse(generic.shim, "without LD_PRELOAD the shim is not mapped");
        assertTrue(first.shim && second.shim, "the shim is mapped where it is preloaded");
        assertEquals(first.losses, second.losses, "with the shim, two processes train bit for bit alike");
        assertEquals(DispatchProbe.STEPS, generic.losses.size());
        for (int k = 0; k < DispatchProbe.STEPS; k++) {
            double a = Double.longBitsToDouble(Long.parseUnsignedLong(generic.losses.get(k), 16));
            double b = Double.longBitsToDouble(Long.parseUnsignedLong(first.losses.get(k), 16));
            assertTrue(Double.isFinite(b) && Math.abs(a - b) <= 1e-4 * Math.abs(a), "step " + k + ": generic " + a + ", shim " + b);
        }
    }

    private record Probe(boolean shim, List<String> losses) {
    }

    private static Probe probe(boolean preload) throws Exception {
        List<String> command = List.of(System.getProperty("java.home") + "/bin/java", "-Xmx256m", "-Dai.djl.offline=true",
                "-Dai.djl.pytorch.num_threads=1", "-Dai.djl.pytorch.num_interop_threads=1", "-cp", System.getProperty("java.class.path"),
                DispatchProbe.class.getName());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().remove("LD_PRELOAD");
        if (preload) {
            builder.environment().put("LD_PRELOAD", SHIM.toAbsolutePath().toString());
        }
        Process p = builder.start();
        Boolean shim = null;
        List<String> losses = new ArrayList<>();
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("shim=")) {
                    shim = Boolean.parseBoolean(line.substring(5));
                } else if (line.startsWith("loss=")) {
                    losses.add(line.substring(5).split(" ")[1]);
                }
            }
        }
        assertTrue(p.waitFor() == 0 && shim != null, "probe failed:\n" + output);
        return new Probe(shim, losses);
    }
}
