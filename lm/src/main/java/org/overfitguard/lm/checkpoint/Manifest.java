package org.overfitguard.lm.checkpoint;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * MANIFEST.sha256: one line per file, "sha256-hex  name", in the format of sha256sum, so
 * {@code sha256sum -c MANIFEST.sha256} also checks a checkpoint by hand.
 */
final class Manifest {

    static final String FILE = "MANIFEST.sha256";

    private Manifest() {
    }

    static String write(Path dir, List<String> files) throws IOException {
        Map<String, String> sums = new TreeMap<>();
        for (String f : files) {
            sums.put(f, sha256(dir.resolve(f)));
        }
        StringBuilder text = new StringBuilder();
        sums.forEach((name, sum) -> text.append(sum).append("  ").append(name).append('\n'));
        Files.writeString(dir.resolve(FILE), text, StandardCharsets.UTF_8);
        return sha256(dir.resolve(FILE));
    }

    /** Checks that every required file is listed and every listed file has its recorded hash. */
    static String verify(Path dir, List<String> required) throws CheckpointException {
        Path file = dir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            throw new CheckpointException("checkpoint " + dir + " has no " + FILE + " (missing or incomplete)");
        }
        Map<String, String> listed = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String[] parts = line.split(" {2}", 2);
                if (parts.length != 2 || parts[0].length() != 64) {
                    throw new CheckpointException("checkpoint " + dir + ": malformed manifest line '" + line + "'");
                }
                listed.put(parts[1], parts[0]);
            }
            for (String name : required) {
                if (!listed.containsKey(name)) {
                    throw new CheckpointException("checkpoint " + dir + ": manifest does not list " + name);
                }
            }
            for (Map.Entry<String, String> e : listed.entrySet()) {
                Path f = dir.resolve(e.getKey()).normalize();
                if (!f.startsWith(dir.normalize()) || !Files.isRegularFile(f)) {
                    throw new CheckpointException("checkpoint " + dir + ": file " + e.getKey() + " is missing");
                }
                String actual = sha256(f);
                if (!actual.equals(e.getValue())) {
                    throw new CheckpointException("checkpoint " + dir + ": " + e.getKey() + " has SHA-256 " + actual
                            + ", the manifest says " + e.getValue());
                }
            }
            return sha256(file);
        } catch (IOException e) {
            throw new CheckpointException("checkpoint " + dir + " cannot be read: " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
