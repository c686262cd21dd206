package org.overfitguard.contracts.spec;

/**
 * Where the text comes from and how it is split into training and held-out parts.
 *
 * @param source          synthetic (built-in seeded grammar), file (one text file) or directory (every .txt in it)
 * @param path            for file and directory: a path relative to the data-service's data root
 * @param sentences       for synthetic: how many sentences to generate (a small slice overfits fast)
 * @param heldOutFraction share of the corpus kept out of training when held-out text is not given
 * @param chunkChars      size of the split unit of split random for file and synthetic sources
 * @param maxChars        the training text is cut to this many characters (0 = no cut beyond the
 *                        service's limit): the corpus before a random split, the training part after
 *                        a tail split or beside a heldout_path
 * @param heldoutPath     the held-out set as given: a file or a directory of .txt files, relative to the
 *                        data root like path; the whole corpus then trains, and held_out_fraction and
 *                        split do not apply
 * @param split           without heldout_path: random (units, i.e. documents of a directory or chunks of
 *                        chunk_chars, shuffled with the seed) or tail (the last held_out_fraction of the
 *                        text, or the last documents of a directory, as nanoGPT splits)
 */
public record DataSpec(Source source, String path, int sentences, double heldOutFraction, int chunkChars, long maxChars,
                       String heldoutPath, Split split) {

    public enum Source { SYNTHETIC, FILE, DIRECTORY }

    public enum Split { RANDOM, TAIL }

    public static DataSpec defaults() {
        return new DataSpec(Source.SYNTHETIC, null, 600, 0.2, 256, 0, null, Split.RANDOM);
    }

    public DataSpec withHeldout(String heldout) {
        return new DataSpec(source, path, sentences, heldOutFraction, chunkChars, maxChars, heldout, split);
    }
}
