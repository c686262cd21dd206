package org.overfitguard.data.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.overfitguard.data.corpus.Corpus;
import org.overfitguard.data.corpus.CorpusLoader;
import org.overfitguard.data.corpus.DatasetException;

/**
 * The train/held-out split, deterministic in all three forms; no held-out text can reach a training
 * batch, and each side keeps corpus order.
 * <ul>
 *   <li>{@link #of random}: the units (documents of a directory source, else chunks of
 *       data.chunk_chars characters) are shuffled with the run seed and the first
 *       ceil(held_out_fraction x units) held out; units never straddle the split.</li>
 *   <li>{@link #tail}: the last held_out_fraction of the text (split at a character, as nanoGPT
 *       splits at int(0.9 n)), or of a directory's documents.</li>
 *   <li>{@link #given}: the corpus trains, data.heldout_path is held out.</li>
 * </ul>
 *
 * @param train   training units, in corpus order
 * @param heldOut held-out units, in corpus order
 */
public record Split(List<String> train, List<String> heldOut, String joiner) {

    private static final long SALT = 0x5EED5EED5EEDL;

    /** The random split of {@code corpus}'s units. */
    public static Split of(Corpus corpus, double heldOutFraction, int chunkChars, long seed) throws DatasetException {
        boolean byDocument = corpus.documents().size() >= 2;
        List<String> units = byDocument ? corpus.documents() : chunks(String.join("\n\n", corpus.documents()), chunkChars);
        if (units.size() < 2) {
            throw new DatasetException("corpus too small for the split: " + corpus.chars() + " characters make "
                    + units.size() + " chunk of data.chunk_chars = " + chunkChars + "; at least 2 are needed");
        }
        int heldCount = (int) Math.min(units.size() - 1, Math.max(1, Math.ceil(heldOutFraction * units.size())));
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < units.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, new Random(seed ^ SALT));
        List<Integer> held = order.subList(0, heldCount).stream().sorted().toList();
        List<Integer> train = order.subList(heldCount, units.size()).stream().sorted().toList();
        return new Split(train.stream().map(units::get).toList(), held.stream().map(units::get).toList(),
                byDocument ? "\n\n" : "");
    }

    /** The last {@code fraction} of the corpus held out: of its documents when it has several, else of its characters. */
    public static Split tail(Corpus corpus, double fraction) throws DatasetException {
        List<String> docs = corpus.documents();
        if (docs.size() >= 2) {
            int held = (int) Math.min(docs.size() - 1, Math.max(1, Math.ceil(fraction * docs.size())));
            return new Split(docs.subList(0, docs.size() - held), docs.subList(docs.size() - held, docs.size()), "\n\n");
        }
        String text = docs.isEmpty() ? "" : docs.get(0);
        int cut = CorpusLoader.codePointBoundary(text, (int) Math.floor(text.length() * (1 - fraction)));
        if (cut == 0 || cut == text.length()) {
            throw new DatasetException("corpus too small for a tail split: " + text.length() + " characters leave no training or"
                    + " no held-out text at data.held_out_fraction " + fraction);
        }
        return new Split(List.of(text.substring(0, cut)), List.of(text.substring(cut)), "");
    }

    /** The corpus for training and {@code heldOut} (data.heldout_path) as held out. */
    public static Split given(Corpus train, Corpus heldOut) {
        return new Split(train.documents(), heldOut.documents(), "\n\n");
    }

    /** This split with the training side cut to {@code maxChars} characters (data.max_chars); the held-out side as it is. */
    public Split withTrainingCut(long maxChars) {
        return maxChars <= 0 ? this : new Split(new Corpus(train, false).cut(maxChars).documents(), heldOut, joiner);
    }

    public String trainText() {
        return String.join(joiner, train);
    }

    public String heldOutText() {
        return String.join(joiner, heldOut);
    }

    static List<String> chunks(String text, int size) {
        List<String> chunks = new ArrayList<>();
        for (int start = 0; start < text.length(); start += size) {
            chunks.add(text.substring(start, Math.min(text.length(), start + size)));
        }
        return chunks;
    }
}
