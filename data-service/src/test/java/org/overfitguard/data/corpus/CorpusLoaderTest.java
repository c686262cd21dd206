package org.overfitguard.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overfitguard.contracts.spec.DataSpec;

class CorpusLoaderTest {

    @TempDir
    Path dir;

    private DataSpec file(String path) {
        return new DataSpec(DataSpec.Source.FILE, path, 10, 0.2, 64, 0, null, DataSpec.Split.RANDOM);
    }

    @Test
    void readsAFileAndADirectoryOfTxtFilesInPathOrder() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "alpha");
        Files.createDirectories(root.resolve("books/sub"));
        Files.writeString(root.resolve("books/b.txt"), "beta");
        Files.writeString(root.resolve("books/sub/c.txt"), "gamma");
        Files.writeString(root.resolve("books/notes.md"), "ignored");
        CorpusLoader loader = new CorpusLoader(root, 1000);
        assertEquals(List.of("alpha"), loader.load(file("a.txt"), 1).documents());
        assertEquals(List.of("beta", "gamma"),
                loader.load(new DataSpec(DataSpec.Source.DIRECTORY, "books", 10, 0.2, 64, 0, null, DataSpec.Split.RANDOM), 1).documents());
        assertEquals(List.of("alp"), loader.load(new DataSpec(DataSpec.Source.FILE, "a.txt", 10, 0.2, 64, 3, null, DataSpec.Split.RANDOM), 1).documents());
    }

    @Test
    void pathsOutsideTheDataRootAreRefusedEvenThroughSymlinks() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.writeString(dir.resolve("secret.txt"), "do not read");
        Files.createSymbolicLink(root.resolve("link.txt"), outside);
        CorpusLoader loader = new CorpusLoader(root, 1000);
        DatasetException e = assertThrows(DatasetException.class, () -> loader.load(file("../secret.txt"), 1));
        assertTrue(e.getMessage().contains("leads outside the data root"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> loader.load(file("link.txt"), 1));
        assertTrue(e.getMessage().contains("resolves (through a symlink)"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> loader.load(file("missing.txt"), 1));
        assertTrue(e.getMessage().contains("does not exist under the data root"), e.getMessage());
    }

    @Test
    void nonUtf8AndOversizedCorporaAreRefusedWithAReason() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.write(root.resolve("latin1.txt"), "caf\u00e9".getBytes(StandardCharsets.ISO_8859_1));
        Files.writeString(root.resolve("big.txt"), "x".repeat(2000));
        CorpusLoader loader = new CorpusLoader(root, 1000);
        DatasetException e = assertThrows(DatasetException.class, () -> loader.load(file("latin1.txt"), 1));
        assertTrue(e.getMessage().contains("is not UTF-8 text"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> loader.load(file("big.txt"), 1));
        assertTrue(e.getMessage().contains("larger than data.max-corpus-bytes (1000 bytes)"), e.getMessage());
    }

    @Test
    void theSyntheticCorpusIsDeterministicPerSeed() throws Exception {
        CorpusLoader loader = new CorpusLoader(dir, 1000);
        DataSpec synthetic = DataSpec.defaults();
        assertEquals(loader.load(synthetic, 5), loader.load(synthetic, 5));
        assertTrue(loader.load(synthetic, 5).synthetic());
        assertTrue(!loader.load(synthetic, 5).documents().equals(loader.load(synthetic, 6).documents()));
    }

    @Test
    void maxCharsNeverCutsACharacterInHalf() {
        String emoji = "ab\uD83D\uDE00cd"; // a, b, one character in two chars, c, d
        assertEquals(2, CorpusLoader.codePointBoundary(emoji, 3), "not between the two halves");
        assertEquals(4, CorpusLoader.codePointBoundary(emoji, 4));
        assertEquals(2, CorpusLoader.codePointBoundary(emoji, 2));
    }
}
