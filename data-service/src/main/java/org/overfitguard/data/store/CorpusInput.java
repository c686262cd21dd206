package org.overfitguard.data.store;

import java.util.List;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.data.corpus.SourceFile;

/**
 * What a store entry is made from: the tokenizer, the format, and the files of each source part in
 * order (part 0 data.path, part 1 data.heldout_path when given), or the synthetic corpus' text.
 */
public record CorpusInput(String tokenizer, DataSpec.Format format, String textField, List<List<SourceFile>> parts,
                          String syntheticText) {

    public static CorpusInput files(String tokenizer, DataSpec.Format format, String textField, List<List<SourceFile>> parts) {
        return new CorpusInput(tokenizer, format, textField, List.copyOf(parts), null);
    }

    public static CorpusInput synthetic(String tokenizer, String text) {
        return new CorpusInput(tokenizer, DataSpec.Format.TEXT, "text", List.of(), text);
    }

    public boolean synthetic() {
        return syntheticText != null;
    }

    /** Bytes of the inputs as stored (compressed files count as they are). */
    public long inputBytes() {
        return synthetic() ? syntheticText.length() : parts.stream().flatMap(List::stream).mapToLong(SourceFile::size).sum();
    }
}
