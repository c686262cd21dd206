package org.overfitguard.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.overfitguard.contracts.DeadLetterHeaders;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.events.CompletionReason;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.StepMetrics;
import org.overfitguard.contracts.events.StopRequested;
import org.overfitguard.kafka.TopicIO;

/**
 * The proof, end to end: the embedded broker and the four service jars as real processes, runs
 * submitted over HTTP, everything observed on the topics. One ensemble serves every test; the
 * overfitting run is the baseline the fault tests compare with (the same spec and seed give the
 * same batches and, on the CPU, bit-identical losses).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class EndToEndTest {

    private static final long RUN_MILLIS = 300_000;

    private LocalEnsemble ensemble;
    private EventWatcher watcher;
    private RunSubmitter submitter;
    private String overfit;
    private String regularized;
    private RunTracker baseline;

    @BeforeAll
    void start() throws IOException {
        Path repo = Path.of(System.getProperty("overfitguard.repo", "..")).toAbsolutePath().normalize();
        Path workdir = Files.createTempDirectory("e2e-ensemble-");
        ensemble = new LocalEnsemble(new Layout(repo), workdir, LocalEnsemble.Ports.free(),
                Files.createDirectories(workdir.resolve("data")));
        ensemble.start();
        watcher = new EventWatcher(ensemble.bootstrapServers());
        submitter = ensemble.submitter();
        overfit = resource("e2e/overfit.yaml");
        regularized = resource("e2e/regularized.yaml");
    }

    @AfterAll
    void stop() {
        if (watcher != null) {
            watcher.close();
        }
        if (ensemble != null) {
            ensemble.close();
        }
    }

    @Test
    @Order(1)
    void overfittingIsCaughtAndTheFinalModelIsTheBestCheckpoint() throws Exception {
        RunTracker run = baseline();
        List<EvaluationCompleted> evaluations = ok(run);
        int best = indexOfMin(evaluations);
        assertTrue(best > 0, "held-out loss falls first: " + losses(evaluations));
        double after = evaluations.subList(best, evaluations.size()).stream().mapToDouble(EvaluationCompleted::heldOutLoss).max().orElseThrow();
        assertTrue(after > evaluations.get(best).heldOutLoss(), "then rises: " + losses(evaluations));

        assertEquals(1, run.stops().size(), "exactly one StopRequested");
        StopRequested stop = run.stops().get(0);
        assertEquals(CompletionReason.PATIENCE_EXHAUSTED, run.completed().reason());
        assertEquals(evaluations.get(best).step(), stop.bestStep());
        assertEquals(stop.bestStep(), run.completed().bestStep());
        assertTrue(stop.bestStep() < evaluations.get(evaluations.size() - 1).step(), "the best step is earlier than the last evaluation");

        Path bestCheckpoint = Path.of(stop.bestCheckpoint());
        Path finalModel = Path.of(run.completed().finalModelPath());
        for (String file : List.of("model.params", "optimizer.state", "meta.json", "MANIFEST.sha256")) {
            assertArrayEquals(Files.readAllBytes(bestCheckpoint.resolve(file)), Files.readAllBytes(finalModel.resolve(file)),
                    "final model " + file + " is byte-identical to the best checkpoint");
        }
        System.out.printf(Locale.ROOT, "[e2e] overfitting: best held-out %.4f at step %d, stop at %d, gap at best %.4f, at the end %.4f%n",
                run.completed().bestHeldOutLoss(), stop.bestStep(), stop.atStep(), gapAtBest(run),
                evaluations.get(evaluations.size() - 1).gap());
    }

    @Test
    @Order(2)
    void regularizationReachesALowerBestHeldOutLossAndASmallerGap() throws Exception {
        RunTracker plain = baseline();
        RunTracker reg = runToEnd(submitter.submit(regularized));
        assertNotNull(reg.completed(), () -> "regularized run failed: " + reg.failed());
        double plainBest = plain.completed().bestHeldOutLoss();
        double regBest = reg.completed().bestHeldOutLoss();
        System.out.printf(Locale.ROOT, "[e2e] best held-out: unregularized %.4f (step %d, gap %.4f), regularized %.4f (step %d, gap %.4f)%n",
                plainBest, plain.completed().bestStep(), gapAtBest(plain), regBest, reg.completed().bestStep(), gapAtBest(reg));
        assertTrue(regBest < plainBest, "regularized best held-out " + regBest + " < unregularized " + plainBest);
        assertTrue(gapAtBest(reg) < gapAtBest(plain), "regularized gap " + gapAtBest(reg) + " < " + gapAtBest(plain));
    }

    @Test
    @Order(3)
    void aTrainerKilledMidRunResumesFromItsCheckpointWithTheSameLosses() throws Exception {
        RunTracker base = baseline();
        RunTracker run = watcher.track(submitter.submit(overfit));
        await(run, r -> r.checkpoints().stream().anyMatch(c -> c.step() >= 200) && lastStep(r) >= 230, "past step 230");
        long killedAt = lastStep(run);
        ensemble.kill("trainer-service");
        ensemble.startService("trainer-service");
        assertTrue(run.awaitFinished(RUN_MILLIS), "the resumed run finishes");

        assertEquals(2, run.starts().size(), "started, then resumed");
        long resumedFrom = run.starts().get(1).resumedFromStep();
        assertTrue(resumedFrom >= 200 && resumedFrom <= killedAt + 50, "resumed from its last checkpoint, step " + resumedFrom);
        assertSameDecision(base, run);
        assertEquals(lossesToTheDecision(base), lossesToTheDecision(run), "step-by-step losses equal the uninterrupted run's");
        System.out.printf(Locale.ROOT, "[e2e] trainer killed near step %d, resumed from %d, %d step reports identical%n",
                killedAt, resumedFrom, run.crossEntropyByStep().size());
    }

    /**
     * The evaluator SIGKILLed twice in one run: first while checkpoints arrive (two are evaluated only
     * after its restart, from the replayed state), then after it decided to stop (its EvaluationCompleted
     * says so) and before its StopRequested got through: the brokers refuse control's records
     * meanwhile, so the kill falls between the two sends every time. Restarted, it says the stop again
     * from what the evaluations topic holds, and the run ends with the uninterrupted run's decision and
     * held-out losses. Before, the replay restored "stopped", nothing told the trainer, and the run
     * trained on to max_steps.
     */
    @Test
    @Order(4)
    void anEvaluatorKilledTwiceEvenBetweenItsDecisionAndTheStopMakesTheSameEarlyStopDecision() throws Exception {
        RunTracker base = baseline();
        RunTracker run = watcher.track(submitter.submit(overfit));
        await(run, r -> ok(r).size() >= 2, "two evaluations");
        int checkpointsBefore = run.checkpoints().size();
        ensemble.kill("evaluator-service");
        await(run, r -> r.checkpoints().size() >= checkpointsBefore + 2, "two checkpoints while the evaluator is away");
        setMaxMessageBytes(Topics.CONTROL, "64");
        try {
            ensemble.startService("evaluator-service");
            await(run, r -> r.evaluations().stream().anyMatch(e -> e.stopReason() != null), "the evaluation that decides the stop");
            assertTrue(run.stops().isEmpty(), "the brokers refused the StopRequested");
            ensemble.kill("evaluator-service");
        } finally {
            setMaxMessageBytes(Topics.CONTROL, "1048588");
        }
        ensemble.startService("evaluator-service");
        assertTrue(run.awaitFinished(RUN_MILLIS), "the run finishes");

        assertSameDecision(base, run);
        assertEquals(base.completed().reason(), run.completed().reason());
        Map<Long, Double> expected = heldOutByStep(base);
        Map<Long, Double> actual = heldOutByStep(run);
        expected.forEach((step, loss) -> assertEquals(loss, actual.get(step), 1e-9, "held-out loss at step " + step));
    }

    private void setMaxMessageBytes(String topic, String bytes) throws Exception {
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(
                Map.of("bootstrap.servers", ensemble.bootstrapServers()))) {
            var resource = new org.apache.kafka.common.config.ConfigResource(org.apache.kafka.common.config.ConfigResource.Type.TOPIC, topic);
            admin.incrementalAlterConfigs(Map.of(resource, List.of(new org.apache.kafka.clients.admin.AlterConfigOp(
                    new org.apache.kafka.clients.admin.ConfigEntry("max.message.bytes", bytes),
                    org.apache.kafka.clients.admin.AlterConfigOp.OpType.SET)))).all().get();
        }
    }

    @Test
    @Order(5)
    void aBrokerRestartLosesAndRepeatsNoBatch() throws Exception {
        RunTracker base = baseline();
        RunTracker run = watcher.track(submitter.submit(overfit));
        await(run, r -> lastStep(r) >= 150, "step 150");
        ensemble.stopBroker();
        Thread.sleep(3000); // how long the outage lasts (a fault's length, not a wait for anything): clients retry meanwhile
        ensemble.startBroker();
        assertTrue(run.awaitFinished(RUN_MILLIS), "the run finishes after the broker came back");
        assertSameDecision(base, run);
        assertEquals(lossesToTheDecision(base), lossesToTheDecision(run),
                "every batch trained once, in order: the losses equal the uninterrupted run's");
    }

    @Test
    @Order(6)
    void poisonRecordsOnEveryConsumedTopicAreDeadLetteredAndTheRunIsUnaffected() throws Exception {
        RunTracker base = baseline();
        String runId = submitter.submit(overfit);
        RunTracker run = watcher.track(runId);
        await(run, r -> r.dataset() != null, "DatasetPrepared");
        List<String> topics = List.of(Topics.RUNS, Topics.TRAIN_METRICS, Topics.CHECKPOINTS, Topics.EVALUATIONS, Topics.CONTROL,
                Topics.batches(runId), Topics.heldOut(runId));
        for (String topic : topics) {
            TopicIO.send(ensemble.bootstrapServers(), topic, runId, ("poison for " + topic).getBytes(StandardCharsets.UTF_8));
        }
        assertTrue(run.awaitFinished(RUN_MILLIS), "the run finishes");
        assertSameDecision(base, run);
        assertEquals(lossesToTheDecision(base), lossesToTheDecision(run), "the poison changed nothing");

        Set<String> lettered = org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(
                () -> TopicIO.readAll(ensemble.bootstrapServers(), Topics.DEAD_LETTERS).stream()
                        .filter(r -> new String(r.value(), StandardCharsets.UTF_8).startsWith("poison for "))
                        .filter(r -> !TopicIO.header(r, DeadLetterHeaders.REASON).isBlank())
                        .map(r -> TopicIO.header(r, DeadLetterHeaders.TOPIC)).collect(Collectors.toSet()),
                l -> l.containsAll(topics));
        assertEquals(Set.copyOf(topics), lettered, "a dead letter with a reason for every consumed topic");
    }

    @Test
    @Order(7)
    void theFinalModelIsExportedAndWritesTheSameTextForTheSameSeedFromTheTerminal() throws Exception {
        RunTracker run = baseline();
        String runId = run.completed().runId();
        String url = ensemble.url("trainer-service", "/").toString();
        String tokenFile = ensemble.workdir().resolve("token").toString();
        Path out = Files.createTempDirectory("e2e-export-");
        long t0 = System.nanoTime();
        Terminal export = terminal("export", "--run", runId, "--url", url, "--token-file", tokenFile, "--out", out.toString());
        double exportSeconds = (System.nanoTime() - t0) / 1e9;
        assertEquals(0, export.code(), export.err());
        for (String file : List.of("model.safetensors", "config.json", "vocab.json", "tokenizer_config.json", "README.md")) {
            assertTrue(Files.size(out.resolve(file)) > 0, file + " downloaded");
            assertTrue(export.out().contains(file), export.out());
        }
        String card = Files.readString(out.resolve("README.md"));
        StopRequested stop = run.stops().get(0);
        assertTrue(card.contains("final model at step " + run.completed().bestStep()) && card.contains("Fired at step " + stop.atStep()
                + ": patience_exhausted; best step " + stop.bestStep()) && card.contains("| run ended | patience_exhausted |"), card);

        String[] generate = {"generate", "--run", runId, "--url", url, "--token-file", tokenFile, "--prompt", "the ", "--max-tokens", "60",
                "--temperature", "0.8", "--top-k", "10", "--seed", "5"};
        long t1 = System.nanoTime();
        Terminal first = terminal(generate);
        double generateSeconds = (System.nanoTime() - t1) / 1e9;
        Terminal second = terminal(generate);
        assertEquals(0, first.code(), first.err());
        assertTrue(first.out().startsWith("the ") && first.out().strip().length() > 40, first.out());
        assertEquals(first.out(), second.out(), "same model, prompt, settings and seed: same text");
        System.out.printf(Locale.ROOT, "[e2e] export with download %.2f s (model.safetensors %d bytes); 60 tokens generated in %.2f s "
                + "(request, model load and sampling): %s", exportSeconds, Files.size(out.resolve("model.safetensors")), generateSeconds,
                first.out());

        Terminal bad = terminal("generate", "--run", runId, "--url", url, "--token-file", tokenFile, "--temperature", "-1");
        assertEquals(1, bad.code());
        assertTrue(bad.err().contains("temperature"), bad.err());
        assertEquals(2, terminal("generate", "--prompt", "x").code(), "--run is required");
    }

    private record Terminal(int code, String out, String err) {
    }

    private static Terminal terminal(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = new ModelCommands(new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
        return new Terminal(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    // ---------------------------------------------------------------------------------------------

    private synchronized RunTracker baseline() throws Exception {
        if (baseline == null) {
            baseline = runToEnd(submitter.submit(overfit));
            assertNotNull(baseline.completed(), () -> "baseline run failed: " + baseline.failed());
        }
        return baseline;
    }

    private RunTracker runToEnd(String runId) throws InterruptedException {
        RunTracker run = watcher.track(runId);
        assertTrue(run.awaitFinished(RUN_MILLIS), "run " + runId + " did not finish; logs in " + ensemble.workdir());
        return run;
    }

    private static void assertSameDecision(RunTracker expected, RunTracker actual) {
        assertNotNull(actual.completed(), () -> "run failed: " + actual.failed());
        assertEquals(1, actual.stops().size(), "one StopRequested");
        StopRequested a = expected.stops().get(0);
        StopRequested b = actual.stops().get(0);
        assertEquals(a.reason(), b.reason());
        assertEquals(a.atStep(), b.atStep(), "stopped at the same evaluation");
        assertEquals(a.bestStep(), b.bestStep(), "the same best step");
        assertEquals(a.bestValue(), b.bestValue(), 1e-9);
        assertEquals(expected.completed().bestStep(), actual.completed().bestStep());
    }

    /**
     * The run's step losses up to the evaluation that decided the stop. The steps trained after it,
     * while the StopRequested travels (as many as the trainer manages in that time, which varies with
     * its speed), are timing, not training: the final model is the best checkpoint either way.
     */
    private static SortedMap<Long, Double> lossesToTheDecision(RunTracker run) {
        return run.crossEntropyByStep().headMap(run.stops().get(0).atStep(), true);
    }

    private static void await(RunTracker run, Predicate<RunTracker> condition, String what) throws InterruptedException {
        long deadline = System.currentTimeMillis() + RUN_MILLIS;
        while (!condition.test(run)) {
            if (run.finished() || System.currentTimeMillis() > deadline) {
                fail("run " + run.runId() + " never reached: " + what + (run.failed() != null ? "; failed: " + run.failed() : ""));
            }
            run.awaitChange(200);
        }
    }

    private static long lastStep(RunTracker run) {
        List<StepMetrics> steps = run.steps();
        return steps.isEmpty() ? 0 : steps.get(steps.size() - 1).step();
    }

    private static List<EvaluationCompleted> ok(RunTracker run) {
        return run.evaluations().stream().filter(e -> e.status() == EvaluationStatus.OK).toList();
    }

    private static TreeMap<Long, Double> heldOutByStep(RunTracker run) {
        TreeMap<Long, Double> byStep = new TreeMap<>();
        ok(run).forEach(e -> byStep.put(e.step(), e.heldOutLoss()));
        return byStep;
    }

    private static int indexOfMin(List<EvaluationCompleted> evaluations) {
        int best = 0;
        for (int i = 1; i < evaluations.size(); i++) {
            if (evaluations.get(i).heldOutLoss() < evaluations.get(best).heldOutLoss()) {
                best = i;
            }
        }
        return best;
    }

    private static double gapAtBest(RunTracker run) {
        return run.evaluationAt(run.completed().bestStep()).map(EvaluationCompleted::gap).orElseThrow();
    }

    private static String losses(List<EvaluationCompleted> evaluations) {
        return evaluations.stream().map(e -> e.step() + ":" + String.format(Locale.ROOT, "%.3f", e.heldOutLoss()))
                .collect(Collectors.joining(" "));
    }


    private static String resource(String name) throws IOException {
        try (InputStream in = EndToEndTest.class.getClassLoader().getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
