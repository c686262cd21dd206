package org.overfitguard.data.dataset;

import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.data.store.StoredCorpus;
import org.overfitguard.text.synthetic.SyntheticGrammar.EntropyEstimate;
import org.overfitguard.text.tokenize.Tokenizer;

/**
 * A run's prepared data: its stored corpus (held open, by memory map, until the dataset is closed),
 * the split into a training view (batches are drawn from it) and the held-out windows (never
 * augmented), and the tokenizer.
 *
 * @param entropy the synthetic source's entropy floor, or null
 */
public record Dataset(RunSpec spec, String runId, Tokenizer tokenizer, StoredCorpus corpus, SplitPlan split, HeldOutWindows heldOut,
                      EntropyEstimate entropy) implements AutoCloseable {

    public TokenView train() {
        return split.train();
    }

    @Override
    public void close() {
        corpus.close();
    }
}
