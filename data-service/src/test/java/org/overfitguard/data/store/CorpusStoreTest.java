package org.overfitguard.data.store;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.corpus.SourceFile;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.text.tokenize.CharTokenizer;
import org.overfitguard.text.tokenize.Gpt2Tokenizer;

/** The tokenized corpus store on real files, made small here. */
class CorpusStoreTest {

    @TempDir
    Path root;
    @TempDir
    Path storeDir;

    private CorpusStore store() {
        return new CorpusStore(storeDir, 1L << 30, "test", 0.01, 1 << 20);
    }

    private CorpusInput text(String tokenizer, String... paths) throws DatasetException {
        SourceFiles files = new SourceFiles(root);
        List<SourceFile> part = new ArrayList<>();
        for (String p : paths) {
            part.addAll(files.list(p, "data.path", DataSpec.Format.TEXT, Files.isDirectory(root.resolve(p))));
        }
        return CorpusInput.files(tokenizer, DataSpec.Format.TEXT, "text", List.of(part));
    }

    private static int[] tokens(StoredCorpus c) {
        int[] all = new int[(int) c.tokens()];
        c.read(0, all, 0, all.length);
        return all;
    }

    /** The shard as numpy would read it: np.memmap(path, dtype=np.uint16). */
    private static int[] uint16(Path shard) throws Exception {
        ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(shard)).order(ByteOrder.LITTLE_ENDIAN);
        int[] out = new int[b.remaining() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = Short.toUnsignedInt(b.getShort());
        }
        return out;
    }

    @Test
    void aCorpusIsStoredAsUint16ShardsWithTheTokenizersIdsAndFoundAgain() throws Exception {
        String text = "To be, or not to be: that is the question.\nWhether 'tis nobler in the mind to suffer ✓ 𝄞\n".repeat(50);
        Files.writeString(root.resolve("a.txt"), text);
        CorpusStore store = store();
        try (StoredCorpus c = store.open(text("char", "a.txt"), () -> false)) {
            CharTokenizer reference = CharTokenizer.fromCorpus(text);
            assertEquals(reference.vocabulary(), c.vocabulary(), "the vocabulary CharTokenizer.fromCorpus makes, from a streaming pass");
            assertArrayEquals(reference.encode(text), tokens(c));
            assertArrayEquals(tokens(c), uint16(c.dir().resolve("tokens-00000.bin")), "uint16, little-endian, nothing else in the file");
            assertEquals(text.codePointCount(0, text.length()), c.chars());
            assertEquals(1, c.documents());
            FileTime built = Files.getLastModifiedTime(c.dir().resolve("tokens-00000.bin"));
            try (StoredCorpus again = store().open(text("char", "a.txt"), () -> false)) {
                assertEquals(c.key(), again.key(), "the next run (another store object, as after a restart) finds the entry");
                assertEquals(built, Files.getLastModifiedTime(again.dir().resolve("tokens-00000.bin")), "not tokenized again");
            }
        }
        try (StoredCorpus g = store.open(text("gpt2", "a.txt"), () -> false)) {
            assertArrayEquals(new Gpt2Tokenizer().encode(text), tokens(g), "gpt2 streamed equals gpt2 of the whole text");
        }
    }

    @Test
    void aFileTouchedTruncatedOrReplacedIsNotServedFromItsOldEntry() throws Exception {
        Path file = root.resolve("b.txt");
        Files.writeString(file, "abcdefgh ".repeat(400_000)); // 3.6 MB: the key samples it
        CorpusStore store = store();
        String first;
        try (StoredCorpus c = store.open(text("char", "b.txt"), () -> false)) {
            first = c.key();
        }
        FileTime time = Files.getLastModifiedTime(file);
        Files.setLastModifiedTime(file, FileTime.fromMillis(time.toMillis() + 5000)); // touched
        String touched = key(store);
        assertNotEquals(first, touched);
        Files.writeString(file, "abcdefgh ".repeat(300_000)); // truncated
        String truncated = key(store);
        assertNotEquals(touched, truncated);
        byte[] same = Files.readAllBytes(file);
        same[same.length - 3] = 'z'; // replaced: same size, same time, one byte changed near the end
        FileTime before = Files.getLastModifiedTime(file);
        Files.write(file, same);
        Files.setLastModifiedTime(file, before);
        try (StoredCorpus c = store.open(text("char", "b.txt"), () -> false)) {
            assertNotEquals(truncated, c.key(), "the content fingerprint sees the changed byte");
            assertTrue(c.vocabulary().contains("z"));
        }
    }

    /** A file that changes between being listed and the end of its reading: the build fails and leaves nothing. */
    @Test
    void aFileThatChangesWhileItIsTokenizedFailsTheBuild() throws Exception {
        Path file = root.resolve("moving.txt");
        Files.writeString(file, "first version ".repeat(1000));
        CorpusInput listed = text("char", "moving.txt"); // what the run saw when it began
        Files.writeString(file, "second version, longer ".repeat(1000));
        DatasetException e = assertThrows(DatasetException.class, () -> store().open(listed, () -> false));
        assertTrue(e.getMessage().contains("moving.txt changed while it was being tokenized"), e.getMessage());
        try (var entries = Files.list(storeDir)) {
            assertEquals(List.of(), entries.toList(), "no entry and no temporary left");
        }
    }

    private String key(CorpusStore store) throws DatasetException {
        try (StoredCorpus c = store.open(text("char", "b.txt"), () -> false)) {
            return c.key();
        }
    }

    @Test
    void jsonlWithBadLinesGzipAndADirectoryInPathOrder() throws Exception {
        Files.createDirectories(root.resolve("docs/sub"));
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            lines.add("{\"id\": " + i + ", \"body\": \"document " + i + " says \\u00e9t\\u00e9\"}");
        }
        lines.add("{not json");
        lines.add("{\"id\": 1}");
        lines.add("[1, 2]");
        lines.add("{\"body\": 5}");
        lines.add("");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(root.resolve("docs/sub/b.jsonl.gz")))) {
            out.write(String.join("\n", lines.subList(150, lines.size())).getBytes(StandardCharsets.UTF_8));
        }
        Files.writeString(root.resolve("docs/a.jsonl"), String.join("\n", lines.subList(0, 150)) + "\n");
        Files.writeString(root.resolve("docs/ignored.txt"), "not jsonl");
        List<SourceFile> files = new SourceFiles(root).list("docs", "data.path", DataSpec.Format.JSONL, true);
        assertEquals(List.of("docs/a.jsonl", "docs/sub/b.jsonl.gz"), files.stream().map(SourceFile::relative).toList());
        assertTrue(files.get(1).gzip());
        CorpusInput input = CorpusInput.files("char", DataSpec.Format.JSONL, "body", List.of(files));
        DatasetException e = assertThrows(DatasetException.class, () -> store().open(input, () -> false));
        assertTrue(e.getMessage().startsWith("4 of 304 jsonl lines could not be used, more than data.max-bad-share (0.01)"), e.getMessage());
        assertTrue(e.getMessage().contains("docs/sub/b.jsonl.gz line 151: not JSON"), e.getMessage());
        try (StoredCorpus c = new CorpusStore(storeDir, 1L << 30, "test", 0.02, 1 << 20).open(input, () -> false)) {
            assertEquals(300, c.documents());
            assertEquals(4, c.skippedLines());
            String joined = IntStream.range(0, 300).mapToObj(i -> "document " + i + " says été").collect(Collectors.joining("\n\n"));
            assertArrayEquals(CharTokenizer.fromVocabulary(c.vocabulary()).encode(joined), tokens(c), "documents joined by \\n\\n");
            assertEquals(c.documentFirstToken(1) - c.documentFirstToken(0), c.documentTokens(0), "a document's tokens run to the next one");
            assertEquals(c.documentHash(0) == c.documentHash(1), false);
        }
    }

    @Test
    void malformedUtf8IsCountedAndDroppedAndAFileOfItIsRefused() throws Exception {
        byte[] text = "hello world, ".repeat(2000).getBytes(StandardCharsets.UTF_8);
        text[100] = (byte) 0xC3; // a lead byte without its continuation
        Files.write(root.resolve("one-bad.txt"), text);
        try (StoredCorpus c = store().open(text("char", "one-bad.txt"), () -> false)) {
            assertEquals(1, c.invalidUtf8());
            assertEquals(text.length - 1, c.chars(), "the malformed byte is dropped, the rest kept");
        }
        byte[] binary = new byte[20_000];
        new java.util.Random(1).nextBytes(binary);
        Files.write(root.resolve("binary.txt"), binary);
        DatasetException e = assertThrows(DatasetException.class, () -> store().open(text("char", "binary.txt"), () -> false));
        assertTrue(e.getMessage().startsWith("the corpus is not UTF-8 text:"), e.getMessage());
    }

    /** One line of 3 million characters (no newline at all): streamed in pieces, the same ids as the whole text. */
    @Test
    void aCorpusWithoutNewlinesIsStreamed() throws Exception {
        StringBuilder line = new StringBuilder();
        java.util.Random r = new java.util.Random(3);
        while (line.length() < 3_000_000) {
            line.append("word").append(r.nextInt(1000)).append(r.nextInt(10) == 0 ? ", " : " ");
        }
        line.append("x".repeat(100_000)); // and a run longer than the gpt2 encoder's tail without any space
        String text = line.toString();
        Files.writeString(root.resolve("line.txt"), text);
        try (StoredCorpus g = store().open(text("gpt2", "line.txt"), () -> false)) {
            int[] whole = new Gpt2Tokenizer().encode(text.substring(0, 3_000_000));
            int[] stored = tokens(g);
            int n = whole.length - 2; // the prefix's last word may be cut
            assertArrayEquals(java.util.Arrays.copyOf(whole, n), java.util.Arrays.copyOf(stored, n),
                    "every safe cut leaves GPT-2's tokens as they are");
            assertEquals(text, new Gpt2Tokenizer().decode(stored), "and the whole decodes to the text");
        }
        try (StoredCorpus c = store().open(text("char", "line.txt"), () -> false)) {
            assertEquals(text.length(), c.tokens());
        }
    }

    @Test
    void concurrentRunsOnOneCorpusShareOneBuild() throws Exception {
        Files.writeString(root.resolve("c.txt"), "shared text for everyone ".repeat(100_000));
        CorpusStore store = store();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<StoredCorpus>> opened = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                opened.add(pool.submit((Callable<StoredCorpus>) () -> store.open(text("char", "c.txt"), () -> false)));
            }
            List<StoredCorpus> all = new ArrayList<>();
            for (Future<StoredCorpus> f : opened) {
                all.add(f.get());
            }
            assertEquals(1, all.stream().map(StoredCorpus::key).distinct().count());
            try (var entries = Files.list(storeDir)) {
                assertEquals(List.of(all.get(0).key()), entries.map(p -> p.getFileName().toString()).toList(), "one entry, no temporaries left");
            }
            all.forEach(StoredCorpus::close);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theBudgetEvictsTheLeastRecentlyUsedEntryNotInUseAndRefusesWhatCannotFit() throws Exception {
        for (String name : List.of("x.txt", "y.txt", "z.txt")) {
            Files.writeString(root.resolve(name), (name + " ").repeat(10_000)); // 60 KB each: about 120 KB of tokens
        }
        CorpusStore store = new CorpusStore(storeDir, 300_000, "test", 0.01, 1 << 20);
        String x;
        try (StoredCorpus a = store.open(text("char", "x.txt"), () -> false)) {
            x = a.key();
        }
        StoredCorpus y = store.open(text("char", "y.txt"), () -> false); // held open: a run uses it
        try (StoredCorpus z = store.open(text("char", "z.txt"), () -> false)) {
            assertTrue(Files.exists(storeDir.resolve(z.key())));
            assertTrue(!Files.exists(storeDir.resolve(x)), "x, least recently used and not in use, made room");
            assertTrue(Files.exists(y.dir()), "y is in use: kept");
        }
        y.close();
        Files.writeString(root.resolve("big.txt"), "big ".repeat(100_000));
        DatasetException e = assertThrows(DatasetException.class, () -> store.open(text("char", "big.txt"), () -> false));
        assertTrue(e.getMessage().contains("more than data.store.max-bytes (300000 bytes)"), e.getMessage());
    }
}
