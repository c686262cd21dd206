package org.overfitguard.data.corpus;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.overfitguard.contracts.spec.DataSpec;

/**
 * Which files a run reads, in a stable order: data.path (one file, or every file of the format in a
 * directory, recursively, sorted by path) and data.heldout_path the same way. Everything is confined
 * to the data root: the resolved real path (symlinks followed) must stay inside it.
 */
public final class SourceFiles {

    /** How deep a directory source is walked. */
    static final int MAX_DEPTH = 16;

    private final Path root;

    public SourceFiles(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    /** The files of {@code relative} (field names it in errors): one file, or a directory's files of the format. */
    public List<SourceFile> list(String relative, String field, DataSpec.Format format, boolean directoryExpected)
            throws DatasetException {
        Path p = confined(relative, field);
        if (Files.isDirectory(p)) {
            if (!directoryExpected && field.equals("data.path")) {
                throw new DatasetException("a file was expected for source file, " + field + " '" + relative + "' is a directory");
            }
            return directory(p, field, format);
        }
        if (directoryExpected) {
            throw new DatasetException(field + " must name a directory for source directory, '" + relative + "' is not one");
        }
        if (!Files.isRegularFile(p)) {
            throw new DatasetException("a file was expected, " + field + " '" + relative + "' is not one");
        }
        return List.of(source(p));
    }

    private List<SourceFile> directory(Path dir, String field, DataSpec.Format format) throws DatasetException {
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir, MAX_DEPTH)) {
            files = walk.filter(f -> Files.isRegularFile(f) && ofFormat(f, format)).sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new DatasetException("cannot list " + field + " " + root.relativize(dir) + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DatasetException(field + " directory " + root.relativize(dir) + " holds no " + extensions(format) + " file");
        }
        List<SourceFile> sources = new ArrayList<>();
        for (Path f : files) {
            sources.add(source(requireInsideRoot(f, root.relativize(f.toAbsolutePath().normalize()).toString(), field)));
        }
        return sources;
    }

    static boolean ofFormat(Path file, DataSpec.Format format) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String plain = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
        return format == DataSpec.Format.JSONL ? plain.endsWith(".jsonl") : plain.endsWith(".txt");
    }

    private static String extensions(DataSpec.Format format) {
        return format == DataSpec.Format.JSONL ? ".jsonl (or .jsonl.gz)" : ".txt (or .txt.gz)";
    }

    private SourceFile source(Path real) throws DatasetException {
        try {
            return SourceFile.of(real, root.toRealPath().relativize(real).toString());
        } catch (IOException e) {
            throw new DatasetException("cannot read " + root.relativize(real) + ": " + e.getMessage(), e);
        }
    }

    private Path confined(String relative, String field) throws DatasetException {
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root)) {
            throw new DatasetException(field + " '" + relative + "' leads outside the data root " + root);
        }
        if (!Files.exists(candidate)) {
            throw new DatasetException(field + " '" + relative + "' does not exist under the data root " + root);
        }
        return requireInsideRoot(candidate, relative, field);
    }

    private Path requireInsideRoot(Path candidate, String shown, String field) throws DatasetException {
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw new DatasetException(field + " '" + shown + "' resolves (through a symlink) to " + real
                        + ", outside the data root " + root);
            }
            return real;
        } catch (IOException e) {
            throw new DatasetException(field + " '" + shown + "' cannot be read: " + e.getMessage(), e);
        }
    }
}
