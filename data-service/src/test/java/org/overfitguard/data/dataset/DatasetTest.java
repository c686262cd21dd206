package org.overfitguard.data.dataset;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.data.store.CorpusStore;
import org.overfitguard.text.augment.WordNetSynonyms;

class DatasetTest {

    @TempDir
    Path root;
    @TempDir
    Path storeDir;

    private DatasetBuilder builder() {
        return builder(1 << 20);
    }

    private DatasetBuilder builder(int maxRecordBytes) {
        return builder(8, maxRecordBytes);
    }

    private DatasetBuilder builder(int windowsPerRecord, int maxRecordBytes) {
        return new DatasetBuilder(new SourceFiles(root), new CorpusStore(storeDir, 1L << 30, "test", 0.01, 1 << 20), windowsPerRecord,
                500, maxRecordBytes, 1L << 30);
    }

    /** The training side's text. */
    static String trainText(Dataset d) {
        return d.tokenizer().decode(d.train().read(0, (int) d.train().size()));
    }

    /** The held-out windows' inputs, joined with '|'. */
    static String heldOutWindowsText(Dataset d) {
        return IntStream.range(0, d.heldOut().records()).mapToObj(d.heldOut()::record).flatMap(b -> IntStream.range(0, b.rows())
                .mapToObj(r -> d.tokenizer().decode(java.util.Arrays.copyOfRange(b.inputs(), r * b.cols(), (r + 1) * b.cols()))))
                .collect(Collectors.joining("|"));
    }

    static java.util.List<TokenBatch> heldOutRecords(Dataset d) {
        return IntStream.range(0, d.heldOut().records()).mapToObj(d.heldOut()::record).toList();
    }

    /** Lines whose every 24-character window is unique, so a window tells where it came from. */
    private void numberedCorpus() throws Exception {
        Files.writeString(root.resolve("lines.txt"), IntStream.range(0, 3000)
                .mapToObj(i -> String.format("line %05d says hi.", i)).collect(Collectors.joining("\n")));
    }

    private static RunSpec spec(String yaml) {
        return RunSpecs.parse("data: {source: file, path: lines.txt, held_out_fraction: 0.2, chunk_chars: 200}\n"
                + "model: {block_size: 24}\ntraining: {batch_size: 16}\n" + yaml);
    }

    @Test
    void noHeldOutTextAppearsInAnyTrainingBatch() throws Exception {
        numberedCorpus();
        Dataset d = builder().build("r", spec(""));
        String heldOut = heldOutWindowsText(d);
        BatchFactory factory = new BatchFactory(d, null);
        int checked = 0;
        for (long k = 0; k < 200; k++) {
            TokenBatch b = factory.batch(k).batch();
            for (int r = 0; r < b.rows(); r++) {
                String window = d.tokenizer().decode(java.util.Arrays.copyOfRange(b.inputs(), r * b.cols(), (r + 1) * b.cols()));
                assertTrue(trainText(d).contains(window), window);
                assertTrue(!heldOut.contains(window), "held-out text in batch " + k + ": " + window);
                checked++;
            }
        }
        assertEquals(3200, checked);
        assertTrue(d.heldOut().count() > 50, "about a fifth of the corpus is held out");
    }

    private static RunSpec withData(String data) {
        return RunSpecs.parse("data: " + data + "\nmodel: {block_size: 24}\ntraining: {batch_size: 16}");
    }

    /** The held-out text of a dataset, decoded record by record, window by window. */
    private static String heldOutText(Dataset d) {
        StringBuilder text = new StringBuilder();
        for (TokenBatch b : heldOutRecords(d)) {
            for (int r = 0; r < b.rows(); r++) {
                text.append(d.tokenizer().decode(java.util.Arrays.copyOfRange(b.inputs(), r * b.cols(), (r + 1) * b.cols())));
                text.append(d.tokenizer().decode(new int[] {b.targets()[(r + 1) * b.cols() - 1]}));
            }
        }
        return text.toString();
    }

    @Test
    void aTailSplitHoldsOutTheLastFractionOfTheTextAsNanoGptDoes() throws Exception {
        numberedCorpus();
        String text = Files.readString(root.resolve("lines.txt"));
        int cut = (int) Math.floor(text.length() * 0.9);
        Dataset d = builder().build("r", withData("{source: file, path: lines.txt, held_out_fraction: 0.1, split: tail}"));
        assertEquals(text.substring(0, cut), trainText(d), "training: the first 90 %, whole");
        String held = heldOutText(d);
        assertTrue(text.substring(cut).startsWith(held), "held out: windows of the last 10 %, in order");
        assertTrue(held.length() > 0.9 * (text.length() - cut) - 25, "every whole window of the tail is held out");
    }

    @Test
    void aTailSplitCutsOnlyTheTrainingPartToMaxChars() throws Exception {
        numberedCorpus();
        String text = Files.readString(root.resolve("lines.txt"));
        Dataset d = builder().build("r", withData("{source: file, path: lines.txt, held_out_fraction: 0.1, split: tail, max_chars: 5000}"));
        assertEquals(text.substring(0, 5000), trainText(d), "the first 5,000 characters of the first 90 %");
        assertTrue(text.substring((int) Math.floor(text.length() * 0.9)).startsWith(heldOutText(d)), "the whole last 10 % held out");
    }

    @Test
    void aHeldOutPathIsTheHeldOutSetAsGivenAndItsCharactersAreInTheVocabulary() throws Exception {
        Files.writeString(root.resolve("train.txt"), "abc abc abc ".repeat(200));
        Files.createDirectories(root.resolve("valid"));
        Files.writeString(root.resolve("valid/1.txt"), "abz zzz ".repeat(20));
        Files.writeString(root.resolve("valid/2.txt"), "cab qqq ".repeat(20));
        Dataset d = builder().build("r", withData("{source: file, path: train.txt, heldout_path: valid}"));
        assertEquals("abc abc abc ".repeat(200), trainText(d), "the whole corpus trains");
        String held = heldOutText(d);
        assertTrue(held.contains("zzz") && held.contains("qqq"), "both held-out files, and only they: " + held);
        assertTrue(!held.contains("abc abc"), held);
        assertEquals(1, d.tokenizer().encode("z").length, "a character only in the held-out set has an id of its own");

        DatasetException e = assertThrows(DatasetException.class, () -> builder().build("r",
                withData("{source: file, path: train.txt, heldout_path: missing.txt}")));
        assertTrue(e.getMessage().contains("data.heldout_path 'missing.txt' does not exist"), e.getMessage());

        // train.txt 2,400 bytes and valid/ 320 need about 5,440 bytes of tokens: a store of 3,000 refuses before writing anything
        DatasetBuilder small = new DatasetBuilder(new SourceFiles(root), new CorpusStore(root.resolve("small-store"), 3000, "t", 0.01,
                1 << 20), 8, 500, 1 << 20, 1L << 30);
        e = assertThrows(DatasetException.class, () -> small.build("r", withData("{source: file, path: train.txt, heldout_path: valid}")));
        assertTrue(e.getMessage().contains("more than data.store.max-bytes (3000 bytes)"), e.getMessage());
    }

    @Test
    void theSplitAndEveryBatchArePureFunctionsOfTheSeed() throws Exception {
        numberedCorpus();
        RunSpec spec = spec("augmentation: {synonym_rate: 0.1, deletion_rate: 0.1, swap_rate: 0.1, reorder_rate: 0.1, "
                + "span_deletion_rate: 0.05, token_mask_rate: 0.1}\n");
        Dataset a = builder().build("r", spec);
        Dataset b = builder().build("r", spec);
        assertEquals(trainText(a), trainText(b));
        BatchFactory fa = new BatchFactory(a, new WordNetSynonyms());
        BatchFactory fb = new BatchFactory(b, new WordNetSynonyms());
        for (long k : new long[] {0, 1, 7, 1000}) {
            assertArrayEquals(TokenBatchCodec.encode(fa.batch(k).batch()), TokenBatchCodec.encode(fb.batch(k).batch()), "batch " + k);
        }
        assertTrue(!java.util.Arrays.equals(fa.batch(1).batch().inputs(), fa.batch(2).batch().inputs()));
        Dataset other = builder().build("r", RunSpecs.parse(RunSpecs.toJson(spec).replace("\"seed\":1337", "\"seed\":7")));
        assertTrue(!trainText(other).equals(trainText(a)), "another seed, another split");
    }

    @Test
    void theHeldOutSetIsNeverAugmented() throws Exception {
        numberedCorpus();
        Dataset plain = builder().build("r", spec(""));
        Dataset augmented = builder().build("r", spec("augmentation: {deletion_rate: 0.5, token_mask_rate: 0.5}\n"));
        assertEquals(heldOutRecords(plain), heldOutRecords(augmented));
        assertTrue(heldOutRecords(augmented).stream().allMatch(TokenBatch::heldOut));
    }

    @Test
    void tokenMaskingCorruptsInputsOnlyAtTheConfiguredRate() throws Exception {
        numberedCorpus();
        Dataset d = builder().build("r", spec("augmentation: {token_mask_rate: 0.25, mask_random_fraction: 0}\n"));
        BatchFactory factory = new BatchFactory(d, null);
        long masked = 0;
        long positions = 0;
        for (long k = 0; k < 50; k++) {
            BatchFactory.Made made = factory.batch(k);
            TokenBatch b = made.batch();
            for (int r = 0; r < b.rows(); r++) {
                for (int t = 1; t < b.cols(); t++) {
                    int input = b.inputs()[r * b.cols() + t];
                    int previousTarget = b.targets()[r * b.cols() + t - 1];
                    if (input != previousTarget) {
                        assertEquals(d.tokenizer().maskId(), input, "a corrupted input is the mask token");
                        masked++;
                    }
                    positions++;
                }
            }
            String targets = d.tokenizer().decode(java.util.Arrays.copyOfRange(b.targets(), 0, b.cols()));
            assertTrue(trainText(d).contains(targets), "targets are untouched text: " + targets);
        }
        // 18,400 positions: binomial sd = 0.0032, so +-0.015 is over 4 sigma
        assertEquals(0.25, (double) masked / positions, 0.015);
    }

    @Test
    void tooSmallCorporaFailWithTheReason() throws Exception {
        Files.writeString(root.resolve("tiny.txt"), "just a few words here");
        DatasetException e = assertThrows(DatasetException.class, () -> builder().build("r",
                RunSpecs.parse("data: {source: file, path: tiny.txt, chunk_chars: 100}")));
        assertTrue(e.getMessage().startsWith("corpus too small for the split"), e.getMessage());
        Files.writeString(root.resolve("small.txt"), "a few more words ".repeat(6));
        e = assertThrows(DatasetException.class, () -> builder().build("r",
                RunSpecs.parse("data: {source: file, path: small.txt, chunk_chars: 32, held_out_fraction: 0.5}\nmodel: {block_size: 64}")));
        assertTrue(e.getMessage().contains("fewer than model.block_size"), e.getMessage());
    }

    @Test
    void theSyntheticDatasetReportsItsEntropyFloor() throws Exception {
        Dataset d = builder().build("r", RunSpec.defaults());
        var described = DatasetBuilder.describe(d);
        assertTrue(described.sourceEntropyNatsPerToken() > 0.3 && described.sourceEntropyNatsPerToken() < 2,
                "entropy floor " + described.sourceEntropyNatsPerToken());
        assertTrue(described.entropyMethod().contains("500"), described.entropyMethod());
        assertEquals(d.tokenizer().vocabulary(), described.vocabulary());
        assertEquals(d.heldOut().records(), described.heldOutRecords());
        assertEquals(d.corpus().key(), described.corpusKey());
    }

    @Test
    void heldOutRecordsNeverExceedTheBrokersRecordLimit() throws Exception {
        Files.writeString(root.resolve("long.txt"), IntStream.range(0, 40_000).mapToObj(i -> "word" + (i % 97))
                .collect(Collectors.joining(" ")));
        RunSpec spec = RunSpecs.parse("data: {source: file, path: long.txt, held_out_fraction: 0.5, chunk_chars: 20000}\n"
                + "model: {block_size: 2048, width: 64, heads: 4}\ntraining: {batch_size: 2}\n");
        int limit = 64 * 1024; // 16 windows of 2048 tokens would take about 128 KiB
        Dataset d = builder(16, limit).build("r", spec);
        assertTrue(d.heldOut().records() > 1, "split over several records");
        for (TokenBatch b : heldOutRecords(d)) {
            assertTrue(TokenBatchCodec.encode(b).length + 512 <= limit, b.rows() + " windows in " + TokenBatchCodec.encode(b).length + " bytes");
        }
        assertEquals(d.heldOut().count(), heldOutRecords(d).stream().mapToInt(TokenBatch::rows).sum(), "no window lost");
    }

    @Test
    void aTrainingBatchLargerThanARecordFailsTheRunWithTheReason() throws Exception {
        numberedCorpus();
        DatasetException e = assertThrows(DatasetException.class,
                () -> builder(1500).build("r", spec("")));
        assertTrue(e.getMessage().contains("training batch record would be"), e.getMessage());
    }

    @Test
    void aCharVocabularyLargerThanAdmittedFailsTheRun() throws Exception {
        Files.writeString(root.resolve("han.txt"), IntStream.range(0x4E00, 0x4E00 + 5000).mapToObj(Character::toString)
                .collect(Collectors.joining()).repeat(3));
        RunSpec spec = RunSpecs.parse("data: {source: file, path: han.txt, chunk_chars: 1000}\nmodel: {block_size: 16}\n");
        DatasetException e = assertThrows(DatasetException.class, () -> builder().build("r", spec));
        assertTrue(e.getMessage().contains("5000 distinct characters") && e.getMessage().contains("byte or gpt2"), e.getMessage());
    }
}
