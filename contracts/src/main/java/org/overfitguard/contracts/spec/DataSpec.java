package org.overfitguard.contracts.spec;

/**
 * Where the text comes from and how it is split.
 *
 * @param source          synthetic (built-in seeded grammar), file (one text file) or directory (every .txt in it)
 * @param path            for file and directory: a path relative to the data-service's data root
 * @param sentences       for synthetic: how many sentences to generate (a small slice overfits fast)
 * @param heldOutFraction share of documents (directory) or chunks (file, synthetic) kept out of training
 * @param chunkChars      size of the split unit for file and synthetic sources
 * @param maxChars        the corpus is cut to this many characters (0 = no cut beyond the service's limit)
 */
public record DataSpec(Source source, String path, int sentences, double heldOutFraction, int chunkChars, long maxChars) {

    public enum Source { SYNTHETIC, FILE, DIRECTORY }

    public static DataSpec defaults() {
        return new DataSpec(Source.SYNTHETIC, null, 600, 0.2, 256, 0);
    }
}
