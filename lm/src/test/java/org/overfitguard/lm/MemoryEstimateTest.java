package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.overfitguard.contracts.spec.DropoutSpec;
import org.overfitguard.contracts.spec.ModelSpec;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.MemoryEstimate;

/**
 * The admission estimate against memory really used: each shape trains (or evaluates) in a JVM of
 * its own ({@link MemoryProbe}), whose peak resident set above its baseline is the measurement.
 * The estimate must never be below it (a run admitted must fit) and not far above it (a run that
 * fits must not be refused). The probe runs with the allocator settings every service runs with
 * ({@link MemoryEstimate#ALLOCATOR_ENVIRONMENT}); without them one run in ten peaked 40% higher.
 */
class MemoryEstimateTest {

    @ParameterizedTest(name = "{0} V={1} T={2} L={3} H={4} C={5} rows={6} smoothing={7} dropout={8}")
    @CsvSource({
            "train, 65, 64, 2, 4, 128, 32, 0, 0",
            "train, 65, 256, 2, 4, 128, 16, 0, 0.1",
            "train, 4096, 64, 2, 4, 128, 32, 0.1, 0.1",
            "train, 50258, 32, 2, 4, 128, 8, 0, 0",
            "eval, 65, 256, 2, 4, 128, 32, 0, 0",
            "eval, 50258, 32, 2, 4, 128, 16, 0, 0"})
    void theEstimateBoundsTheMeasuredPeakFromAbove(String mode, int v, int t, int layers, int heads, int width, int rows,
                                                   double smoothing, double dropout) throws Exception {
        GptConfig config = new GptConfig(v, ModelSpec.of(layers, heads, width, t), DropoutSpec.of(dropout, dropout, dropout), false);
        long estimate = mode.equals("train") ? MemoryEstimate.trainingBytes(config, rows, smoothing > 0)
                : MemoryEstimate.evaluationBytes(config, rows);
        long measured = measure(mode, v, t, layers, heads, width, rows, smoothing, dropout);
        System.out.printf(Locale.ROOT, "[memory] %s V=%d T=%d L=%d H=%d C=%d rows=%d: measured %s, estimated %s (%.2fx)%n", mode, v, t,
                layers, heads, width, rows, MemoryEstimate.human(measured), MemoryEstimate.human(estimate), (double) estimate / measured);
        assertTrue(estimate >= measured, "estimate " + estimate + " below the measured peak " + measured);
        assertTrue(estimate <= 1.6 * measured, "estimate " + estimate + " more than 1.6 x the measured peak " + measured);
    }

    @Test
    void anUnpinnedAllocatorTakesEstimatesLargerAndSaysSo() {
        assertEquals(1.0, MemoryEstimate.allocatorFactor(MemoryEstimate.ALLOCATOR_ENVIRONMENT));
        assertEquals(1.6, MemoryEstimate.allocatorFactor(Map.of()));
        assertEquals(1.6, MemoryEstimate.allocatorFactor(Map.of("MALLOC_MMAP_THRESHOLD_", "33554432")));
        assertTrue(MemoryEstimate.allocatorWarning(MemoryEstimate.ALLOCATOR_ENVIRONMENT).isEmpty());
        assertTrue(MemoryEstimate.allocatorWarning(Map.of()).orElseThrow().contains("MALLOC_MMAP_THRESHOLD_"));
    }

    private static long measure(Object... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(System.getProperty("java.home") + "/bin/java", "-Xms256m", "-Xmx256m",
                "-XX:+AlwaysPreTouch", "-Dai.djl.offline=true", "-cp", System.getProperty("java.class.path"),
                MemoryProbe.class.getName()));
        for (Object a : args) {
            command.add(String.valueOf(a));
        }
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(MemoryEstimate.ALLOCATOR_ENVIRONMENT);
        Process p = builder.start();
        String measured = null;
        StringBuilder output = new StringBuilder();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = in.readLine()) != null; ) {
                output.append(line).append('\n');
                if (line.startsWith("measured=")) {
                    measured = line.substring("measured=".length());
                }
            }
        }
        assertTrue(p.waitFor() == 0 && measured != null, "probe failed:\n" + output);
        return Long.parseLong(measured);
    }

    static {
        // the probe reads /proc/self: Linux only, as are the services' images
        assertTrue(new File("/proc/self/status").exists());
    }
}
