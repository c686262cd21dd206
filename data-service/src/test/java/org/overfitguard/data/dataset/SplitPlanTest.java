package org.overfitguard.data.dataset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.data.store.CorpusStore;

/** Splits and held-out windows at scale: deterministic, independent of file order, and as nanoGPT cuts. */
class SplitPlanTest {

    @TempDir
    Path root;
    @TempDir
    Path storeDir;

    private DatasetBuilder builder() {
        return new DatasetBuilder(new SourceFiles(root), new CorpusStore(storeDir, 1L << 30, "test", 0.01, 1 << 20), 64, 100, 1 << 20,
                1L << 30);
    }

    /** nanoGPT's shakespeare_char: train_data = data[:int(n*0.9)], val_data = data[int(n*0.9):]. */
    @Test
    void theTailSplitCutsAtIntOfNinetyPercentOfTheTokensExactly() throws Exception {
        for (int n : new int[] {10_007, 123_457, 99_991}) {
            String text = IntStream.range(0, n).mapToObj(i -> String.valueOf((char) ('a' + (i * 7 + i / 13) % 26)))
                    .collect(Collectors.joining());
            Files.writeString(root.resolve("t" + n + ".txt"), text);
            try (Dataset d = builder().build("r", RunSpecs.parse("data: {source: file, path: t" + n + ".txt, split: tail, "
                    + "held_out_fraction: 0.1}\nmodel: {block_size: 32}\n"))) {
                assertEquals((long) (n * 0.9), d.split().train().size(), "n = " + n);
                assertEquals(n - (long) (n * 0.9), d.split().heldOut().size());
                assertEquals(text.substring((int) (n * 0.9), (int) (n * 0.9) + 40),
                        d.tokenizer().decode(d.split().heldOut().read(0, 40)), "the held-out side starts at the cut");
            }
        }
    }

    /**
     * A directory of documents split by a hash of each: the same documents held out whatever the
     * files are called (so in whatever order they are read), identical documents on one side, a
     * share near held_out_fraction, and another seed another split.
     */
    @Test
    void theDocumentSplitDependsOnContentAndSeedNotOnFileOrder() throws Exception {
        List<String> docs = IntStream.range(0, 400).mapToObj(i -> "document number " + i + " tells story " + (i % 50) + ". ")
                .map(s -> s.repeat(3)).toList();
        Files.createDirectories(root.resolve("one"));
        Files.createDirectories(root.resolve("two"));
        for (int i = 0; i < docs.size(); i++) {
            Files.writeString(root.resolve("one/" + String.format("%04d", i) + ".txt"), docs.get(i));
            Files.writeString(root.resolve("two/" + String.format("%04d", docs.size() - 1 - i) + ".txt"), docs.get(i)); // reversed order
        }
        Files.writeString(root.resolve("one/dup-a.txt"), "the same words twice over. ".repeat(4));
        Files.writeString(root.resolve("one/dup-b.txt"), "the same words twice over. ".repeat(4));
        Set<String> heldOne = held("one", 1337);
        Set<String> heldTwo = held("two", 1337);
        assertEquals(heldOne.stream().filter(s -> !s.startsWith("the same")).collect(Collectors.toSet()), heldTwo,
                "the same documents held out in either file order");
        assertTrue(heldOne.size() > 0.14 * 402 && heldOne.size() < 0.26 * 402, "about a fifth held out: " + heldOne.size());
        Set<String> other = held("one", 7);
        assertTrue(!other.equals(heldOne), "another seed, another split");
        try (Dataset d = builder().build("r", spec("one", 1337))) {
            String train = DatasetTest.trainText(d);
            boolean dupTrains = train.contains("the same words twice over.");
            assertEquals(dupTrains, !heldOne.contains("the same words twice over. ".repeat(4)), "both copies on one side");
        }
    }

    private static org.overfitguard.contracts.spec.RunSpec spec(String dir, long seed) {
        return RunSpecs.parse("seed: " + seed + "\ndata: {source: directory, path: " + dir + ", held_out_fraction: 0.2}\n"
                + "model: {block_size: 16}\nevaluation: {max_tokens: 0}\n");
    }

    /** The held-out documents, as text (the separators between them stripped). */
    private Set<String> held(String dir, long seed) throws Exception {
        try (Dataset d = builder().build("r", spec(dir, seed))) {
            String text = d.tokenizer().decode(d.split().heldOut().read(0, (int) d.split().heldOut().size()));
            return new HashSet<>(List.of(text.split("\n\n")));
        }
    }

    /**
     * A held-out split larger than evaluation.max_tokens: that many tokens of windows spread evenly
     * over it, the same each time; max_tokens 0 scores all; a small split is scored whole by default.
     */
    @Test
    void evaluationMaxTokensBoundsTheHeldOutSetWithTheSameSpreadWindows() throws Exception {
        String text = IntStream.range(0, 20_000).mapToObj(i -> String.format("%05d ", i)).collect(Collectors.joining());
        Files.writeString(root.resolve("n.txt"), text);
        String base = "data: {source: file, path: n.txt, split: tail, held_out_fraction: 0.5}\nmodel: {block_size: 63}\n";
        try (Dataset all = builder().build("r", RunSpecs.parse(base + "evaluation: {max_tokens: 0}"));
             Dataset capped = builder().build("r", RunSpecs.parse(base + "evaluation: {max_tokens: 6300}"));
             Dataset again = builder().build("r", RunSpecs.parse(base + "evaluation: {max_tokens: 6300}"));
             Dataset byDefault = builder().build("r", RunSpecs.parse(base))) {
            assertEquals(60_000 / 64, all.heldOut().count(), "every whole window of the split");
            assertEquals(all.heldOut().count(), byDefault.heldOut().count(), "a split under the default bound is scored whole");
            assertEquals(100, capped.heldOut().count());
            assertEquals(6300, capped.heldOut().tokens());
            List<TokenBatch> a = DatasetTest.heldOutRecords(capped);
            assertEquals(a, DatasetTest.heldOutRecords(again), "the same windows every time");
            String first = capped.tokenizer().decode(java.util.Arrays.copyOf(a.get(0).inputs(), 12));
            String last = capped.tokenizer().decode(java.util.Arrays.copyOfRange(a.get(a.size() - 1).inputs(),
                    (a.get(a.size() - 1).rows() - 1) * 63, (a.get(a.size() - 1).rows() - 1) * 63 + 12));
            assertTrue(first.startsWith("10000") && last.compareTo("19800") > 0, "spread from the split's start to its end: "
                    + first + " .. " + last);
        }
    }
}
