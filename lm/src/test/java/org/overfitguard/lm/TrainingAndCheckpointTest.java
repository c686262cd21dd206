package org.overfitguard.lm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.checkpoint.Checkpoint;
import org.overfitguard.lm.checkpoint.CheckpointException;
import org.overfitguard.lm.checkpoint.CheckpointMeta;
import org.overfitguard.lm.checkpoint.CheckpointStore;
import org.overfitguard.lm.checkpoint.LoadedCheckpoint;
import org.overfitguard.lm.eval.HeldOutEvaluator;
import org.overfitguard.lm.eval.HeldOutScore;
import org.overfitguard.lm.eval.TextSampler;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.model.Seeds;
import org.overfitguard.lm.train.StepResult;
import org.overfitguard.lm.train.TrainingSession;

class TrainingAndCheckpointTest {

    @TempDir
    Path dir;

    private static TrainingSession session(RunSpec spec) {
        return TrainingSession.fresh(GptModel.create(GptConfig.of(spec, Fixtures.V), Device.cpu(), spec.seed()), spec);
    }

    @Test
    void aTinyModelOverfitsATinyFixedBatch() {
        RunSpec spec = Fixtures.spec("");
        TokenBatch batch = Fixtures.batch(0, 4, 3);
        try (TrainingSession s = session(spec)) {
            double first = s.train(batch).loss();
            double last = first;
            for (int k = 1; k < 150; k++) {
                last = s.train(Fixtures.reindex(batch, k)).loss();
            }
            assertTrue(first > 2.0, "starts near ln(16) = 2.77, was " + first);
            assertTrue(last < 0.05, "memorises 32 tokens, loss was " + last);
        }
    }

    @Test
    void trainsOnAThreadOtherThanTheOneThatLoadedTheEngine() throws Exception {
        // PyTorch's grad mode is per thread and on by default: in-place updates must still work
        java.util.concurrent.atomic.AtomicReference<Throwable> failure = new java.util.concurrent.atomic.AtomicReference<>();
        Thread worker = new Thread(() -> {
            try (TrainingSession s = session(Fixtures.spec(""))) {
                for (int k = 0; k < 3; k++) {
                    s.train(Fixtures.batch(k, 2, k));
                }
                HeldOutEvaluator.evaluate(s.model(), List.of(Fixtures.batch(0, 2, 9)), 0, 2);
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        worker.start();
        worker.join();
        assertEquals(null, failure.get());
    }

    @Test
    void batchesMustComeInStepOrder() {
        try (TrainingSession s = session(Fixtures.spec(""))) {
            s.train(Fixtures.batch(0, 2, 1));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> s.train(Fixtures.batch(2, 2, 1)));
            assertEquals("expected batch 1, got batch 2", e.getMessage());
        }
    }

    @Test
    void aResumedRunRepeatsTheUninterruptedLossesExactly() throws Exception {
        RunSpec spec = Fixtures.spec("regularization: {dropout: {embedding: 0.1, attention: 0.1, residual: 0.1}, weight_decay: 0.1, label_smoothing: 0.1}\n");
        CheckpointStore store = new CheckpointStore(dir);
        List<Double> uninterrupted = new ArrayList<>();
        Checkpoint checkpoint;
        try (TrainingSession s = session(spec)) {
            for (int k = 0; k < 6; k++) {
                s.train(Fixtures.batch(k, 4, k));
            }
            checkpoint = store.write("run-1", s, meta(s, spec));
            for (int k = 6; k < 12; k++) {
                uninterrupted.add(s.train(Fixtures.batch(k, 4, k)).loss());
            }
        }
        assertEquals(store.stepDir("run-1", 6), checkpoint.dir());
        try (LoadedCheckpoint loaded = CheckpointStore.load(checkpoint.dir(), Device.cpu())) {
            assertEquals(6, loaded.meta().nextBatchOffset());
            TrainingSession resumed = new TrainingSession(loaded.model(), loaded.optimizer(), loaded.meta().spec(), loaded.meta().step());
            List<Double> after = new ArrayList<>();
            for (int k = 6; k < 12; k++) {
                StepResult r = resumed.train(Fixtures.batch(k, 4, k));
                after.add(r.loss());
            }
            assertEquals(uninterrupted, after, "same losses, bit for bit, after resume");
        }
    }

    @Test
    void aCheckpointVerifiesAndAnyAlterationIsCaught() throws Exception {
        RunSpec spec = Fixtures.spec("");
        CheckpointStore store = new CheckpointStore(dir);
        Checkpoint checkpoint;
        try (TrainingSession s = session(spec)) {
            s.train(Fixtures.batch(0, 2, 0));
            checkpoint = store.write("run-2", s, meta(s, spec));
        }
        assertEquals(checkpoint.manifestSha256(), CheckpointStore.verify(checkpoint.dir()));
        assertTrue(checkpoint.sizeBytes() > 10_000);
        try (var files = Files.list(store.runDir("run-2"))) {
            assertEquals(List.of("step-000000001"), files.map(p -> p.getFileName().toString()).toList(), "no temporary left over");
        }

        Path params = checkpoint.dir().resolve("model.params");
        byte[] bytes = Files.readAllBytes(params);
        bytes[bytes.length / 2] ^= 1;
        Files.write(params, bytes);
        CheckpointException e = assertThrows(CheckpointException.class, () -> CheckpointStore.verify(checkpoint.dir()));
        assertTrue(e.getMessage().contains("model.params has SHA-256"), e.getMessage());
        assertThrows(CheckpointException.class, () -> CheckpointStore.load(checkpoint.dir(), Device.cpu()));
        assertTrue(store.latestValid("run-2").isEmpty(), "a broken checkpoint is never chosen");

        Files.delete(checkpoint.dir().resolve("MANIFEST.sha256"));
        e = assertThrows(CheckpointException.class, () -> CheckpointStore.verify(checkpoint.dir()));
        assertTrue(e.getMessage().contains("no MANIFEST.sha256"), e.getMessage());
        assertThrows(CheckpointException.class, () -> CheckpointStore.verify(dir.resolve("nowhere")));
    }

    @Test
    void aCheckpointWrittenBeforeTheArchitectureSwitchesIsReadWithTheirDefaults() throws Exception {
        RunSpec spec = RunSpecs.parse("model: {layers: 2, heads: 2, width: 32, block_size: 8, norm: post}\n"
                + "regularization: {dropout: {attention: 0.1}, weight_tying: true}\ntraining: {batch_size: 4}");
        CheckpointStore store = new CheckpointStore(dir);
        Checkpoint checkpoint;
        GptConfig written;
        try (TrainingSession s = session(spec)) {
            s.train(Fixtures.batch(0, 2, 0));
            checkpoint = store.write("run-old", s, meta(s, spec));
            written = s.model().config();
        }
        // meta.json as the previous format wrote the model: flat fields, no residual / norm_kind / head or MLP dropout
        Path meta = checkpoint.dir().resolve("meta.json");
        ObjectNode tree = (ObjectNode) Json.mapper().readTree(meta.toFile());
        ObjectNode flat = Json.mapper().createObjectNode();
        flat.put("vocab_size", written.vocabSize()).put("block_size", written.blockSize()).put("layers", written.layers())
                .put("heads", written.heads()).put("width", written.width()).put("norm", "post").put("embedding_dropout", 0.0)
                .put("attention_dropout", 0.1).put("residual_dropout", 0.0).put("weight_tying", true);
        tree.set("model", flat);
        Files.writeString(meta, Json.mapper().writeValueAsString(tree));
        assertEquals(written, CheckpointStore.readMeta(checkpoint.dir()).model(), "the same model, residual on, LayerNorm");
    }

    @Test
    void theFinalModelIsAByteIdenticalCopyOfTheChosenCheckpoint() throws Exception {
        RunSpec spec = Fixtures.spec("");
        CheckpointStore store = new CheckpointStore(dir);
        try (TrainingSession s = session(spec)) {
            s.train(Fixtures.batch(0, 2, 0));
            Checkpoint best = store.write("run-3", s, meta(s, spec));
            s.train(Fixtures.batch(1, 2, 1));
            store.write("run-3", s, meta(s, spec));
            assertEquals(store.stepDir("run-3", 2), store.latestValid("run-3").orElseThrow());
            Path finalDir = store.promoteToFinal("run-3", best.dir());
            for (String f : List.of("model.params", "optimizer.state", "meta.json", "MANIFEST.sha256")) {
                assertArrayEquals(Files.readAllBytes(best.dir().resolve(f)), Files.readAllBytes(finalDir.resolve(f)), f);
            }
            assertEquals(best.manifestSha256(), CheckpointStore.verify(finalDir));

            // replaced by another checkpoint in one rename: final is a link that is never missing
            Path newest = store.stepDir("run-3", 2);
            assertEquals(finalDir, store.promoteToFinal("run-3", newest));
            assertTrue(Files.isSymbolicLink(finalDir));
            assertArrayEquals(Files.readAllBytes(newest.resolve("model.params")), Files.readAllBytes(finalDir.resolve("model.params")));
            try (var hidden = Files.list(store.runDir("run-3"))) {
                assertEquals(1, hidden.filter(p -> p.getFileName().toString().startsWith(".final-")).count(), "the old copy is gone");
            }

            // a path taken from an event must be a checkpoint of this very run
            for (Path outside : List.of(dir.resolve("run-other/step-000000001"), store.runDir("run-3").resolve(".."), finalDir,
                    store.runDir("run-3").resolve("step-000000002/../../run-3/step-000000002/.."))) {
                assertThrows(CheckpointException.class, () -> store.promoteToFinal("run-3", outside), outside.toString());
            }
        }
    }

    @Test
    void pruningKeepsTheNewestTheBestAndWhatIsNotEvaluatedYet() throws Exception {
        RunSpec spec = Fixtures.spec("");
        CheckpointStore store = new CheckpointStore(dir);
        try (TrainingSession s = session(spec)) {
            for (int k = 0; k < 6; k++) {
                s.train(Fixtures.batch(k, 2, k));
                store.write("run-4", s, meta(s, spec));
            }
            assertEquals(List.of(1L, 3L), store.prune("run-4", 2, 2L, 3));
            assertEquals(java.util.Set.of(2L, 4L, 5L, 6L), store.steps("run-4"));
            assertEquals(store.stepDir("run-4", 6), store.latestValid("run-4").orElseThrow());
        }
    }

    @Test
    void heldOutScoresDoNotDependOnRowsPerForwardNorOnDropout() {
        RunSpec spec = Fixtures.spec("regularization: {dropout: {embedding: 0.5, attention: 0.5, residual: 0.5}}\n");
        List<TokenBatch> heldOut = List.of(Fixtures.batch(0, 5, 11), Fixtures.batch(1, 3, 12));
        try (TrainingSession s = session(spec)) {
            for (int k = 0; k < 20; k++) {
                s.train(Fixtures.batch(k, 4, k));
            }
            HeldOutScore one = HeldOutEvaluator.evaluate(s.model(), heldOut, 0, 1);
            HeldOutScore three = HeldOutEvaluator.evaluate(s.model(), heldOut, 0, 3);
            HeldOutScore all = HeldOutEvaluator.evaluate(s.model(), heldOut, 0, 64);
            assertEquals(64, one.tokens());
            assertEquals(one.loss(), three.loss(), 1e-6);
            assertEquals(one.loss(), all.loss(), 1e-6);
            assertEquals(one.accuracy(), all.accuracy(), 0);
            assertEquals(Math.exp(all.loss()), all.perplexity(), 1e-9);
            assertEquals(16, HeldOutEvaluator.evaluate(s.model(), heldOut, 20, 4).tokens(), "max tokens cuts whole rows");
        }
    }

    @Test
    void samplingIsRepeatableForAFixedSeed() {
        try (TrainingSession s = session(Fixtures.spec(""))) {
            int[] a = TextSampler.sample(s.model(), new int[] {1, 2}, 20, 0.8, 7);
            int[] b = TextSampler.sample(s.model(), new int[] {1, 2}, 20, 0.8, 7);
            int[] c = TextSampler.sample(s.model(), new int[] {1, 2}, 20, 0.8, 8);
            assertArrayEquals(a, b);
            assertEquals(22, a.length);
            assertEquals(1, a[0]);
            assertTrue(!java.util.Arrays.equals(a, c), "another seed, another sample");
        }
    }

    private static CheckpointMeta meta(TrainingSession s, RunSpec spec) {
        return new CheckpointMeta(CheckpointMeta.FORMAT, "run", s.step(), s.step(), spec.seed(), Seeds.SCHEDULE,
                s.optimizer().step(), 1.0, s.model().config(), spec, null, Instant.now());
    }
}
