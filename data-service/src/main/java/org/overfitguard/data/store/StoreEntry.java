package org.overfitguard.data.store;

import java.time.Instant;
import java.util.List;

/**
 * {@code entry.json} of a corpus store entry: what the tokens are of and how they are laid out.
 * Written last, inside a temporary directory that is then renamed into place, so an entry that has
 * this file is whole.
 *
 * @param format       the store format ({@link StoredCorpus#FORMAT}); an entry of another format is not used
 * @param key          the digest of what determines the content (see {@link CorpusKey})
 * @param tokenizer    char, byte or gpt2
 * @param vocabulary   char: the symbol of each id; else empty
 * @param width        bytes per token on disk: 2 (uint16) or 4 (uint32)
 * @param shards       tokens per shard file, in order
 * @param parts        per source part (0 data.path, 1 data.heldout_path): its tokens and documents
 * @param files        every input file, as it was read
 * @param diskBytes    bytes of the entry's files
 */
record StoreEntry(int format, String key, String tokenizer, List<String> vocabulary, int vocabSize, int width, long tokens,
                  long documents, long chars, long bytes, long invalidUtf8, long lines, long skippedLines, String firstSkipped,
                  List<Long> shards, List<Part> parts, List<FileRead> files, boolean synthetic, long diskBytes, Instant created,
                  double tokenizeSeconds) {

    /** A source part's range of tokens and documents. */
    record Part(long firstToken, long tokens, long firstDocument, long documents) {
    }

    /** An input file: where, what it was when read, and the SHA-256 of its bytes. */
    record FileRead(int part, String relative, long size, long modifiedNanos, String fileKey, boolean gzip, String sha256) {
    }

    /** Characters per token over the whole corpus. */
    double charsPerToken() {
        return tokens == 0 ? 1 : (double) chars / tokens;
    }
}
