package org.overfitguard.data.corpus;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.text.synthetic.SyntheticGrammar;

/**
 * Reads a run's corpus: the synthetic grammar, one UTF-8 text file, or every .txt file of a
 * directory (recursively, in path order). File sources are confined to the data root: the resolved
 * real path (symlinks followed) must stay inside it. Size and encoding are checked before anything
 * is used; every refusal says what was wrong and what is allowed.
 */
public final class CorpusLoader {

    private final Path root;
    private final long maxBytes;

    public CorpusLoader(Path root, long maxBytes) {
        this.root = root.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
    }

    /**
     * The corpus of {@code spec.source} and {@code path}. data.max_chars cuts it here when a random
     * split comes next (the held-out units come out of the cut corpus); with a tail split or a
     * heldout_path it is the training part that is cut, after the split ({@link Corpus#cut}).
     */
    public Corpus load(DataSpec spec, long seed) throws DatasetException {
        Corpus corpus = switch (spec.source()) {
            case SYNTHETIC -> new Corpus(List.of(SyntheticGrammar.english().corpus(spec.sentences(), seed)), true);
            case FILE -> new Corpus(List.of(read(regularFile(confined(spec.path(), "data.path")))), false);
            case DIRECTORY -> new Corpus(readDirectory(confined(spec.path(), "data.path")), false);
        };
        boolean cutBeforeSplit = spec.heldoutPath() == null && spec.split() == DataSpec.Split.RANDOM;
        return spec.maxChars() > 0 && cutBeforeSplit ? corpus.cut(spec.maxChars()) : corpus;
    }

    /**
     * The held-out set of data.heldout_path: one file, or every .txt of a directory. {@code trainingChars}
     * counts against data.max-corpus-bytes too (a character is at least one byte), so both parts
     * together stay within the limit.
     */
    public Corpus loadHeldOut(DataSpec spec, long trainingChars) throws DatasetException {
        Path p = confined(spec.heldoutPath(), "data.heldout_path");
        Corpus heldOut = new Corpus(Files.isDirectory(p) ? readDirectory(p) : List.of(read(regularFile(p))), false);
        long bytes = trainingChars + heldOut.chars();
        if (bytes > maxBytes) {
            throw new DatasetException("the corpus and the held-out set together are larger than data.max-corpus-bytes ("
                    + maxBytes + " bytes): at least " + bytes + " bytes; use data.max_chars or smaller files");
        }
        return heldOut;
    }

    private Path confined(String relative, String field) throws DatasetException {
        Path candidate = root.resolve(relative).normalize();
        if (!candidate.startsWith(root)) {
            throw new DatasetException(field + " '" + relative + "' leads outside the data root " + root);
        }
        if (!Files.exists(candidate)) {
            throw new DatasetException(field + " '" + relative + "' does not exist under the data root " + root);
        }
        return requireInsideRoot(candidate, relative);
    }

    private Path requireInsideRoot(Path candidate, String shown) throws DatasetException {
        try {
            Path real = candidate.toRealPath();
            if (!real.startsWith(root.toRealPath())) {
                throw new DatasetException("data.path '" + shown + "' resolves (through a symlink) to " + real
                        + ", outside the data root " + root);
            }
            return real;
        } catch (IOException e) {
            throw new DatasetException("data.path '" + shown + "' cannot be read: " + e.getMessage(), e);
        }
    }

    private static Path regularFile(Path path) throws DatasetException {
        if (!Files.isRegularFile(path)) {
            throw new DatasetException("a file was expected, " + path + " is not one (data.path of source file, or data.heldout_path)");
        }
        return path;
    }

    private List<String> readDirectory(Path dir) throws DatasetException {
        if (!Files.isDirectory(dir)) {
            throw new DatasetException("data.path must name a directory for source directory, " + dir + " is not one");
        }
        List<Path> files;
        try (Stream<Path> walk = Files.walk(dir, 8)) {
            files = walk.filter(p -> p.getFileName().toString().endsWith(".txt")).sorted().toList();
        } catch (IOException e) {
            throw new DatasetException("cannot list " + dir + ": " + e.getMessage(), e);
        }
        if (files.isEmpty()) {
            throw new DatasetException("directory " + dir + " holds no .txt file");
        }
        long total = 0;
        List<String> documents = new ArrayList<>();
        for (Path f : files) {
            Path real = requireInsideRoot(f, root.relativize(f.toAbsolutePath().normalize()).toString());
            total += size(real);
            if (total > maxBytes) {
                throw tooLarge(total);
            }
            documents.add(read(real));
        }
        return documents;
    }

    private String read(Path file) throws DatasetException {
        long size = size(file);
        if (size > maxBytes) {
            throw tooLarge(size);
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (MalformedInputException e) {
            throw new DatasetException("file " + root.relativize(file) + " is not UTF-8 text (malformed input of "
                    + e.getInputLength() + " byte(s))", e);
        } catch (CharacterCodingException e) {
            throw new DatasetException("file " + root.relativize(file) + " is not UTF-8 text", e);
        }
    }

    private static long size(Path file) throws DatasetException {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new DatasetException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private DatasetException tooLarge(long bytes) {
        return new DatasetException("corpus is larger than data.max-corpus-bytes (" + maxBytes + " bytes): " + bytes
                + " bytes read so far; use data.max_chars in the run spec or a smaller corpus");
    }

    /** {@code end}, or one less when it would split a surrogate pair (half a character is not text). */
    public static int codePointBoundary(String s, int end) {
        return end > 0 && end < s.length() && Character.isHighSurrogate(s.charAt(end - 1)) && Character.isLowSurrogate(s.charAt(end))
                ? end - 1 : end;
    }
}
