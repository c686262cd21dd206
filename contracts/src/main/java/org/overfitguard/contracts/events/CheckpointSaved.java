package org.overfitguard.contracts.events;

import java.time.Instant;

/**
 * The trainer wrote a checkpoint (atomically, with a SHA-256 manifest). Topic checkpoints.
 *
 * @param step           steps trained into it
 * @param path           its directory, on storage shared with the evaluator
 * @param manifestSha256 SHA-256 of its manifest file, so a reader knows it has the same checkpoint
 * @param trainLoss      plain cross-entropy on training batches around this step, for the generalization gap
 * @param sizeBytes      total size of its files
 */
public record CheckpointSaved(String runId, String eventId, Instant timestamp, long step, String path,
                              String manifestSha256, double trainLoss, long sizeBytes) implements Event {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.checkpointSaved(this);
    }
}
