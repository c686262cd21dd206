package org.overfitguard.data.corpus;

/**
 * Receives a corpus as a stream of documents, each as one or more pieces of text in order; no
 * document is ever held whole (a 2 GB file with no newline arrives in pieces). A piece never ends
 * inside a surrogate pair.
 */
public interface DocumentSink {

    /** A document of source part {@code part} (0: data.path, 1: data.heldout_path) begins. */
    void begin(int part);

    /** Characters {@code from} .. {@code to - 1} of {@code chars}: used now, not kept (the array is reused). */
    void text(char[] chars, int from, int to);

    void end();
}
