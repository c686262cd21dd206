package org.overfitguard.lm.checkpoint;

import java.nio.file.Path;

/**
 * A written, verified checkpoint directory.
 *
 * @param manifestSha256 SHA-256 of its manifest: equal manifests mean equal checkpoints
 * @param sizeBytes      total size of its files
 */
public record Checkpoint(Path dir, long step, String manifestSha256, long sizeBytes) {
}
