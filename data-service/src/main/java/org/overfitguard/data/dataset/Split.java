package org.overfitguard.data.dataset;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.overfitguard.data.corpus.Corpus;
import org.overfitguard.data.corpus.DatasetException;

/**
 * The deterministic train/held-out split: the units (documents of a directory source, else chunks
 * of data.chunk_chars characters) are shuffled with the run seed and the first
 * ceil(held_out_fraction x units) held out. Units never straddle the split, so no held-out text can
 * reach a training batch. Each side keeps corpus order.
 *
 * @param train   training units, in corpus order
 * @param heldOut held-out units, in corpus order
 */
public record Split(List<String> train, List<String> heldOut, String joiner) {

    private static final long SALT = 0x5EED5EED5EEDL;

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
