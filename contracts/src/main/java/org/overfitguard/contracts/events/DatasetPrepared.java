package org.overfitguard.contracts.events;

import java.time.Instant;
import java.util.List;

/**
 * data-service prepared the run's dataset; the held-out topic is complete and batches follow.
 * Topic runs. The trainer and evaluator build their model and tokenizer from it.
 *
 * @param tokenizer                 char, byte or gpt2
 * @param vocabSize                 model vocabulary size, including the unknown and mask symbols
 * @param vocabulary                for char: the symbol of each id (index = id); empty for byte and gpt2
 * @param unknownTokenId            id of the unknown symbol, or -1 when the tokenizer has none
 * @param maskTokenId               id used by token masking, or -1
 * @param documents                 documents read (files, or 1 for a single file or the synthetic corpus)
 * @param corpusChars               characters of the corpus after max_chars
 * @param trainTokens               tokens in the train split (before augmentation)
 * @param heldOutTokens             tokens in the held-out split
 * @param heldOutRecords            records written to heldout.&lt;runId&gt;
 * @param heldOutWindows            windows of block_size + 1 tokens in those records
 * @param sourceEntropyNatsPerToken for the synthetic corpus: entropy of the source per token, the floor of held-out loss; else null
 * @param entropyMethod             how that floor was computed, or null
 */
public record DatasetPrepared(String runId, String eventId, Instant timestamp, String tokenizer, int vocabSize,
                              List<String> vocabulary, int unknownTokenId, int maskTokenId, int documents,
                              long corpusChars, long trainTokens, long heldOutTokens, int heldOutRecords,
                              int heldOutWindows, Double sourceEntropyNatsPerToken, String entropyMethod) implements Event {

    @Override
    public <R> R accept(Visitor<R> visitor) {
        return visitor.datasetPrepared(this);
    }
}
