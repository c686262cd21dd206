package org.overfitguard.contracts.spec;

/**
 * Where the text comes from and how it is split into training and held-out parts.
 *
 * @param source          synthetic (built-in seeded grammar), file (one file) or directory (every file of the format in it, recursively)
 * @param path            for file and directory: a path relative to the data-service's data root
 * @param sentences       for synthetic: how many sentences to generate (a small slice overfits fast)
 * @param heldOutFraction share of the corpus kept out of training when held-out text is not given
 * @param chunkChars      size of the split unit of split random for file and synthetic sources
 * @param maxChars        the training text is cut to this many characters (0 = no cut beyond the
 *                        service's limit): the corpus before a random split, the training part after
 *                        a tail split or beside a heldout_path
 * @param heldoutPath     the held-out set as given: a file or a directory (of the same format), relative to the
 *                        data root like path; the whole corpus then trains, and held_out_fraction and
 *                        split do not apply
 * @param split           without heldout_path: random (units, i.e. documents, or chunks of chunk_chars of a
 *                        corpus that is one document, each held out by a hash of its content and the
 *                        seed) or tail (the last held_out_fraction of the tokens, as nanoGPT splits at int(0.9 n))
 * @param format          text (each file one document) or jsonl (each line a JSON object, its text_field one document);
 *                        either may be gzip-compressed
 * @param textField       for jsonl: the field of each line that holds its text
 */
public record DataSpec(Source source, String path, int sentences, double heldOutFraction, int chunkChars, long maxChars,
                       String heldoutPath, Split split, Format format, String textField) {

    public enum Source { SYNTHETIC, FILE, DIRECTORY }

    public enum Split { RANDOM, TAIL }

    public enum Format { TEXT, JSONL }

    public static DataSpec defaults() {
        return new DataSpec(Source.SYNTHETIC, null, 600, 0.2, 256, 0, null, Split.RANDOM, Format.TEXT, "text");
    }

    public DataSpec withHeldout(String heldout) {
        return new DataSpec(source, path, sentences, heldOutFraction, chunkChars, maxChars, heldout, split, format, textField);
    }
}
