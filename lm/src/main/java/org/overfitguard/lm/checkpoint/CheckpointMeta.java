package org.overfitguard.lm.checkpoint;

import java.time.Instant;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.lm.model.GptConfig;

/**
 * meta.json of a checkpoint: enough to rebuild the model, resume training exactly, evaluate and
 * decode samples without any other source.
 *
 * @param step            steps trained into the parameters
 * @param nextBatchOffset offset of the next batch in batches.&lt;runId&gt; (batch k sits at offset k)
 * @param runSeed         the run seed; with {@code seedSchedule} it fixes every later step's randomness
 * @param seedSchedule    how step seeds derive from the run seed
 * @param optimizerStep   AdamW's t
 * @param trainLoss       plain training cross-entropy around this step
 * @param dataset         the tokenizer and vocabulary the model was trained with
 */
public record CheckpointMeta(int format, String runId, long step, long nextBatchOffset, long runSeed,
                             String seedSchedule, long optimizerStep, double trainLoss, GptConfig model, RunSpec spec,
                             DatasetPrepared dataset, Instant createdAt) {

    public static final int FORMAT = 1;
}
