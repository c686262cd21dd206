package org.overfitguard.data.corpus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overfitguard.contracts.spec.DataSpec;

class SourceFilesTest {

    @TempDir
    Path dir;

    @Test
    void aFileOrADirectorysFilesOfTheFormatInPathOrder() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Files.writeString(root.resolve("a.txt"), "alpha");
        Files.createDirectories(root.resolve("books/sub"));
        Files.writeString(root.resolve("books/b.txt"), "beta");
        Files.writeString(root.resolve("books/sub/c.txt.gz"), "gamma (not really gzip: its bytes decide)");
        Files.writeString(root.resolve("books/notes.md"), "ignored");
        Files.writeString(root.resolve("books/d.jsonl"), "{}");
        SourceFiles files = new SourceFiles(root);
        assertEquals(List.of("a.txt"), files.list("a.txt", "data.path", DataSpec.Format.TEXT, false).stream().map(SourceFile::relative).toList());
        List<SourceFile> books = files.list("books", "data.path", DataSpec.Format.TEXT, true);
        assertEquals(List.of("books/b.txt", "books/sub/c.txt.gz"), books.stream().map(SourceFile::relative).toList());
        assertTrue(!books.get(1).gzip(), "gzip is told by the bytes, not the name");
        assertEquals(List.of("books/d.jsonl"), files.list("books", "data.path", DataSpec.Format.JSONL, true).stream()
                .map(SourceFile::relative).toList());
        DatasetException e = assertThrows(DatasetException.class, () -> files.list("a.txt", "data.path", DataSpec.Format.TEXT, true));
        assertTrue(e.getMessage().contains("must name a directory for source directory"), e.getMessage());
        Files.createDirectories(root.resolve("empty"));
        e = assertThrows(DatasetException.class, () -> files.list("empty", "data.path", DataSpec.Format.JSONL, true));
        assertTrue(e.getMessage().contains("holds no .jsonl (or .jsonl.gz) file"), e.getMessage());
    }

    @Test
    void pathsOutsideTheDataRootAreRefusedEvenThroughSymlinks() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path outside = Files.writeString(dir.resolve("secret.txt"), "do not read");
        Files.createSymbolicLink(root.resolve("link.txt"), outside);
        Files.createDirectories(root.resolve("d"));
        Files.createSymbolicLink(root.resolve("d/inside-link.txt"), outside);
        SourceFiles files = new SourceFiles(root);
        DatasetException e = assertThrows(DatasetException.class, () -> files.list("../secret.txt", "data.path", DataSpec.Format.TEXT, false));
        assertTrue(e.getMessage().contains("leads outside the data root"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> files.list("link.txt", "data.path", DataSpec.Format.TEXT, false));
        assertTrue(e.getMessage().contains("resolves (through a symlink)"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> files.list("d", "data.path", DataSpec.Format.TEXT, true));
        assertTrue(e.getMessage().contains("resolves (through a symlink)"), e.getMessage());
        e = assertThrows(DatasetException.class, () -> files.list("missing.txt", "data.heldout_path", DataSpec.Format.TEXT, false));
        assertTrue(e.getMessage().contains("data.heldout_path 'missing.txt' does not exist under the data root"), e.getMessage());
    }
}
