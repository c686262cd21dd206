package org.overfitguard.data.dataset;

import java.util.List;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.text.synthetic.SyntheticGrammar.EntropyEstimate;
import org.overfitguard.text.tokenize.Tokenizer;

/**
 * A run's prepared data: the tokenizer, the training text and its tokens (for batches), and the
 * held-out records (never augmented).
 *
 * @param charsPerToken corpus characters per token, to size the text slices that augmentation rewrites
 * @param entropy       the synthetic source's entropy floor, or null
 */
public record Dataset(RunSpec spec, String runId, Tokenizer tokenizer, String trainText, int[] trainTokens,
                      List<TokenBatch> heldOut, long heldOutTokens, int heldOutWindows, int documents, long corpusChars,
                      double charsPerToken, EntropyEstimate entropy) {
}
