package org.overfitguard.data.corpus;

/**
 * What reading a corpus found: bytes (after gunzip), documents, malformed UTF-8 sequences (dropped),
 * and for jsonl the lines read and skipped (not an object, no text field of type string, too long).
 */
public final class ReadStats {

    long bytes;
    long documents;
    long invalidUtf8;
    long lines;
    long skippedLines;
    String firstSkipped;

    public long bytes() {
        return bytes;
    }

    public long documents() {
        return documents;
    }

    public long invalidUtf8() {
        return invalidUtf8;
    }

    public long lines() {
        return lines;
    }

    public long skippedLines() {
        return skippedLines;
    }

    /** Where and why the first jsonl line was skipped, or null. */
    public String firstSkipped() {
        return firstSkipped;
    }

    void skipped(String where) {
        if (skippedLines++ == 0) {
            firstSkipped = where;
        }
    }

    /**
     * Fails when the bad input is more than {@code maxShare} of what was read (data.max-bad-share):
     * a corpus that is mostly not text is refused, a few bad bytes or lines in a large one are dropped.
     */
    public void check(double maxShare) throws DatasetException {
        if (invalidUtf8 > maxShare * Math.max(1, bytes)) {
            throw new DatasetException("the corpus is not UTF-8 text: " + invalidUtf8 + " malformed sequences in " + bytes
                    + " bytes, more than data.max-bad-share (" + maxShare + ") of them");
        }
        if (skippedLines > maxShare * Math.max(1, lines)) {
            throw new DatasetException(skippedLines + " of " + lines + " jsonl lines could not be used, more than data.max-bad-share ("
                    + maxShare + ") of them; the first: " + firstSkipped);
        }
    }
}
