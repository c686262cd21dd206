package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a local ensemble's services are started with: the allocator pinned, MKL's dispatch shim when built. */
class ServiceEnvironmentTest {

    @TempDir
    Path repo;

    @Test
    void preloadsTheShimWhenItIsBuilt() throws Exception {
        Layout layout = new Layout(repo);
        Map<String, String> without = ensemble(layout).serviceEnvironment();
        assertFalse(without.containsKey("LD_PRELOAD"), "no shim built, nothing preloaded: " + without);
        assertEquals("4194304", without.get("MALLOC_MMAP_THRESHOLD_"));

        Files.createDirectories(layout.mklDispatchShim().getParent());
        Files.write(layout.mklDispatchShim(), new byte[] {0x7f, 'E', 'L', 'F'});
        Map<String, String> with = ensemble(layout).serviceEnvironment();
        assertTrue(with.get("LD_PRELOAD").startsWith(layout.mklDispatchShim().toString()), with.toString());
        assertEquals("67108864", with.get("MALLOC_TRIM_THRESHOLD_"));
    }

    @Test
    void theDispatchPropertyTakesTwoValues() {
        assertFalse(LocalEnsemble.mklGeneric("features"));
        assertTrue(LocalEnsemble.mklGeneric("generic"));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LocalEnsemble.mklGeneric("vendor"));
        assertTrue(e.getMessage().contains("overfitguard.mkl-dispatch") && e.getMessage().contains("'vendor'"), e.getMessage());
    }

    private LocalEnsemble ensemble(Layout layout) {
        return new LocalEnsemble(layout, repo.resolve("work"), LocalEnsemble.Ports.free(), repo.resolve("data"), line -> {
        });
    }
}
