package org.overfitguard.lm.checkpoint;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.overfitguard.contracts.Topics;
import org.overfitguard.contracts.json.Json;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.lm.model.GptConfig;
import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.AdamW;
import org.overfitguard.lm.train.TrainingSession;

/**
 * Checkpoints under a root directory: {@code <root>/<runId>/step-000000100/} (the step in nine digits) with
 * model.params (DJL parameter format), optimizer.state (AdamW t, m, v), meta.json and
 * MANIFEST.sha256. Each is written into a temporary sibling directory, flushed to the disk (files
 * and directory) and renamed into place, so a reader sees a whole checkpoint or none, also after a
 * power cut. {@code <root>/<runId>/final} is the run's final model, a byte-identical copy of the
 * chosen checkpoint; it is a symbolic link to a hidden directory, so that replacing it is one
 * atomic rename and a reader never finds it missing.
 */
public final class CheckpointStore {

    static final String PARAMS = "model.params";
    static final String OPTIMIZER = "optimizer.state";
    static final String META = "meta.json";
    static final List<String> FILES = List.of(PARAMS, OPTIMIZER, META);
    public static final String FINAL = "final";

    private final Path root;

    public CheckpointStore(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() {
        return root;
    }

    public Path runDir(String runId) {
        return root.resolve(Topics.requireSafeRunId(runId));
    }

    public Path stepDir(String runId, long step) {
        return runDir(runId).resolve(String.format("step-%09d", step));
    }

    /** Writes the session's state as checkpoint {@code step-<n>} and returns it, verified. */
    public Checkpoint write(String runId, TrainingSession session, CheckpointMeta meta) throws IOException {
        Path target = stepDir(runId, session.step());
        Path tmp = runDir(runId).resolve(".tmp-" + target.getFileName() + "-" + UUID.randomUUID());
        Files.createDirectories(tmp);
        try {
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp.resolve(PARAMS))))) {
                session.model().saveParameters(out);
            }
            try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(tmp.resolve(OPTIMIZER))))) {
                session.optimizer().save(out);
            }
            Files.writeString(tmp.resolve(META), Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(meta));
            String manifest = Manifest.write(tmp, FILES);
            syncTree(tmp);
            replace(tmp, target);
            sync(runDir(runId));
            return new Checkpoint(target, session.step(), manifest, size(target));
        } finally {
            deleteTree(tmp);
        }
    }

    /** Checks the manifest of a checkpoint directory; the manifest's SHA-256 on success. */
    public static String verify(Path dir) throws CheckpointException {
        return Manifest.verify(dir, FILES);
    }

    public static CheckpointMeta readMeta(Path dir) throws CheckpointException {
        try {
            JsonNode tree = Json.mapper().readTree(dir.resolve(META).toFile());
            JsonNode model = tree.path("model");
            if (tree.isObject() && model.isObject() && !model.has("model")) {
                // written before the architecture switches: the model as flat fields (block_size, norm, ...).
                // The run spec holds all of it, its new switches at their defaults: the model is rebuilt from it.
                RunSpec spec = RunSpecs.fromTree(tree.path("spec"));
                ((ObjectNode) tree).set("model", Json.mapper().valueToTree(GptConfig.of(spec, model.path("vocab_size").asInt())));
            }
            CheckpointMeta meta = Json.mapper().treeToValue(tree, CheckpointMeta.class);
            if (meta.format() != CheckpointMeta.FORMAT) {
                throw new CheckpointException("checkpoint " + dir + " has format " + meta.format() + ", this reader knows "
                        + CheckpointMeta.FORMAT);
            }
            return meta;
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + ": unreadable " + META + ": " + e.getMessage(), e);
        }
    }

    /** Verifies and loads a checkpoint onto a device: model parameters and optimizer state. */
    public static LoadedCheckpoint load(Path dir, Device device) throws CheckpointException {
        return load(dir, device, true);
    }

    /** Verifies and loads the model only (no optimizer state): what evaluation needs. */
    public static LoadedCheckpoint loadModel(Path dir, Device device) throws CheckpointException {
        return load(dir, device, false);
    }

    private static LoadedCheckpoint load(Path dir, Device device, boolean withOptimizer) throws CheckpointException {
        String manifest = verify(dir);
        CheckpointMeta meta = readMeta(dir);
        GptModel model = null;
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(PARAMS))))) {
            model = GptModel.load(meta.model(), device, in);
            AdamW optimizer = null;
            if (withOptimizer) {
                var o = meta.spec().optimizer();
                optimizer = new AdamW(o.beta1(), o.beta2(), o.epsilon(), AdamW.decoupledDecay(meta.spec().regularization()));
                try (DataInputStream state = new DataInputStream(new BufferedInputStream(Files.newInputStream(dir.resolve(OPTIMIZER))))) {
                    optimizer.load(state, model.parameters());
                }
            }
            return new LoadedCheckpoint(new Checkpoint(dir, meta.step(), manifest, size(dir)), meta, model, optimizer);
        } catch (IOException | RuntimeException e) {
            if (model != null) {
                model.close();
            }
            throw new CheckpointException("checkpoint " + dir + " does not load: " + e.getMessage(), e);
        }
    }

    /** The newest checkpoint of a run that verifies, skipping broken ones. */
    public Optional<Path> latestValid(String runId) {
        Path dir = runDir(runId);
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path candidate : entries.filter(p -> p.getFileName().toString().startsWith("step-"))
                    .sorted(Comparator.comparing((Path p) -> p.getFileName().toString()).reversed()).toList()) {
                try {
                    verify(candidate);
                    return Optional.of(candidate);
                } catch (CheckpointException e) {
                    // an older one may still be whole
                }
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Copies a checkpoint of the run byte for byte to {@code <run>/final} and returns that path. Only
     * a checkpoint directory of this run's own is accepted: the path comes from an event.
     */
    public Path promoteToFinal(String runId, Path checkpoint) throws IOException, CheckpointException {
        Path source = checkpoint.toAbsolutePath().normalize();
        if (!runDir(runId).equals(source.getParent()) || !source.getFileName().toString().matches("step-\\d{9}")) {
            throw new CheckpointException("refusing to promote " + checkpoint + ": not a checkpoint of run " + runId + " under "
                    + runDir(runId));
        }
        verify(source);
        Path target = runDir(runId).resolve(FINAL);
        Path copy = runDir(runId).resolve(".final-" + UUID.randomUUID());
        Files.createDirectories(copy);
        try {
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            syncTree(copy);
            Path previous = Files.isSymbolicLink(target) ? target.resolveSibling(Files.readSymbolicLink(target)) : null;
            if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) { // written by an earlier version: a plain directory
                replace(copy, target);
            } else {
                Path link = runDir(runId).resolve(".final-link-" + UUID.randomUUID());
                Files.createSymbolicLink(link, copy.getFileName());
                Files.move(link, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                if (previous != null && !previous.equals(copy)) {
                    deleteTree(previous);
                }
            }
            sync(runDir(runId));
            return target;
        } catch (IOException | RuntimeException e) {
            deleteTree(copy);
            throw e;
        }
    }

    /** Steps of the run's checkpoints on disk (whole or not). */
    public Set<Long> steps(String runId) throws IOException {
        Path dir = runDir(runId);
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString()).filter(n -> n.matches("step-\\d{9}"))
                    .map(n -> Long.parseLong(n.substring(5))).collect(Collectors.toSet());
        }
    }

    /** Deletes the run's checkpoints that {@link CheckpointRetention} gives up; returns their steps. */
    public List<Long> prune(String runId, int keepLast, Long bestStep, long lastEvaluated) throws IOException {
        List<Long> gone = CheckpointRetention.deletable(steps(runId), keepLast, bestStep, lastEvaluated);
        for (long step : gone) {
            Path dir = stepDir(runId, step);
            Path doomed = dir.resolveSibling(".deleting-" + dir.getFileName() + "-" + UUID.randomUUID());
            Files.move(dir, doomed, StandardCopyOption.ATOMIC_MOVE); // never a half-deleted checkpoint under its name
            deleteTree(doomed);
        }
        return gone;
    }

    private static void replace(Path tmp, Path target) throws IOException {
        Path old = null;
        if (Files.exists(target)) {
            old = target.resolveSibling(".old-" + target.getFileName() + "-" + UUID.randomUUID());
            Files.move(target, old, StandardCopyOption.ATOMIC_MOVE);
        }
        try {
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw new IOException("the checkpoint root must allow atomic renames (one file system): " + e.getMessage(), e);
        }
        if (old != null) {
            deleteTree(old);
        }
    }

    /** fsync of every file in a directory, then of the directory itself. */
    static void syncTree(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                try (FileChannel c = FileChannel.open(f, StandardOpenOption.WRITE)) {
                    c.force(true);
                }
            }
        }
        sync(dir);
    }

    /** fsync of a directory: its entries (a rename into it) are on the disk. */
    static void sync(Path dir) throws IOException {
        try (FileChannel c = FileChannel.open(dir, StandardOpenOption.READ)) {
            c.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a directory; the rename is still atomic
        }
    }

    static long size(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            long total = 0;
            for (Path f : files.toList()) {
                total += Files.size(f);
            }
            return total;
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Reads a file of a checkpoint, for tests and tools. */
    public static byte[] readFile(Path dir, String name) throws IOException {
        try (InputStream in = Files.newInputStream(dir.resolve(name))) {
            return in.readAllBytes();
        }
    }
}
