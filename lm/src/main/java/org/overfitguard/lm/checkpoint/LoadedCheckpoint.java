package org.overfitguard.lm.checkpoint;

import org.overfitguard.lm.model.GptModel;
import org.overfitguard.lm.train.AdamW;

/** A checkpoint read back: its metadata, the model, and (for training; else null) the optimizer state. */
public record LoadedCheckpoint(Checkpoint checkpoint, CheckpointMeta meta, GptModel model, AdamW optimizer)
        implements AutoCloseable {

    @Override
    public void close() {
        model.close();
    }
}
