package org.overfitguard.data.dataset;

import java.util.BitSet;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.store.StoredCorpus;

/**
 * The train/held-out split of a stored corpus, deterministic in all three forms, as two
 * {@link TokenView}s that never share a token:
 * <ul>
 *   <li>random: each unit (a document, or a chunk of data.chunk_chars of a corpus that is one
 *       document) is held out when a hash of its content and the seed falls below
 *       held_out_fraction: independent of file order, duplicates on one side, about that share held out
 *       (at least one unit on each side). data.max_chars cuts the corpus first.</li>
 *   <li>tail: the last held_out_fraction of the tokens, cut at int((1 - held_out_fraction) n) as
 *       nanoGPT's {@code data[:int(n*0.9)]}; data.max_chars then cuts the training side.</li>
 *   <li>given: the corpus (part 0) trains, data.heldout_path (part 1) is held out; max_chars cuts training.</li>
 * </ul>
 * data.max_chars is counted in tokens at the corpus' characters per token (exact for char).
 */
public record SplitPlan(TokenView train, TokenView heldOut, String form, long units, long heldUnits) {

    private static final long SALT = 0x5EED5EED5EEDL;

    public static SplitPlan of(StoredCorpus corpus, DataSpec data, long seed) throws DatasetException {
        long corpusTokens = corpus.partTokens(0);
        long cut = data.maxChars() > 0 ? Math.max(1, (long) Math.ceil(data.maxChars() / corpus.charsPerToken())) : Long.MAX_VALUE;
        if (data.heldoutPath() != null) {
            return new SplitPlan(new RangeView(corpus, 0, Math.min(corpusTokens, cut)),
                    new RangeView(corpus, corpus.partFirstToken(1), corpus.partTokens(1)), "given", 0, 0);
        }
        if (data.split() == DataSpec.Split.TAIL) {
            long at = (long) (corpusTokens * (1 - data.heldOutFraction()));
            if (at <= 0 || at >= corpusTokens) {
                throw new DatasetException("corpus too small for a tail split: " + corpusTokens + " tokens leave no training or"
                        + " no held-out text at data.held_out_fraction " + data.heldOutFraction());
            }
            return new SplitPlan(new RangeView(corpus, 0, Math.min(at, cut)), new RangeView(corpus, at, corpusTokens - at), "tail", 0, 0);
        }
        return random(corpus, data, seed, Math.min(corpusTokens, cut));
    }

    private static SplitPlan random(StoredCorpus corpus, DataSpec data, long seed, long end) throws DatasetException {
        long documents = corpus.partDocuments(0);
        long chunk = Math.max(1, Math.round(data.chunkChars() / corpus.charsPerToken()));
        Units units = documents >= 2 ? new Units.Documents(corpus, 0, documents, end)
                : new Units.Chunks(0, end, chunk, documents == 1 ? corpus.documentHash(0) : 0);
        long n = units.count();
        if (n < 2) {
            throw new DatasetException("corpus too small for the split: " + end + " tokens make " + n + " chunk of data.chunk_chars = "
                    + data.chunkChars() + "; at least 2 are needed");
        }
        if (n > Integer.MAX_VALUE) {
            throw new DatasetException("the corpus has " + n + " split units, more than " + Integer.MAX_VALUE + "; raise data.chunk_chars");
        }
        BitSet held = new BitSet((int) n);
        long lowest = 0;
        long highest = 0;
        double lowestDraw = 2;
        double highestDraw = -1;
        for (long u = 0; u < n; u++) {
            double draw = draw(seed, units.hash(u));
            if (draw < data.heldOutFraction()) {
                held.set((int) u);
            }
            if (draw < lowestDraw) {
                lowestDraw = draw;
                lowest = u;
            }
            if (draw > highestDraw) {
                highestDraw = draw;
                highest = u;
            }
        }
        if (held.isEmpty()) {
            held.set((int) lowest); // a small corpus: the unit closest to being held out is
        } else if (held.cardinality() == n) {
            held.clear((int) highest);
        }
        BitSet train = (BitSet) held.clone();
        train.flip(0, (int) n);
        return new SplitPlan(new UnitView(corpus, units, train), new UnitView(corpus, units, held),
                documents >= 2 ? "random by document" : "random by chunks of " + chunk + " tokens", n, held.cardinality());
    }

    /** A uniform draw in [0, 1) from the seed and a unit's content hash (splitmix64's finalizer). */
    static double draw(long seed, long hash) {
        long z = (seed ^ SALT) * 0xBF58476D1CE4E5B9L + hash;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        z ^= z >>> 31;
        return (z >>> 11) * 0x1.0p-53;
    }
}
