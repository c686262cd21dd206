package org.overfitguard.data.dataset;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.overfitguard.contracts.batch.TokenBatch;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.contracts.spec.RunFootprint;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.TokenizerSpec;
import org.overfitguard.data.corpus.Corpus;
import org.overfitguard.data.corpus.CorpusLoader;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.text.synthetic.SyntheticGrammar;
import org.overfitguard.text.synthetic.SyntheticGrammar.EntropyEstimate;
import org.overfitguard.text.tokenize.Tokenizer;
import org.overfitguard.text.tokenize.Tokenizers;

/**
 * Corpus to {@link Dataset}: load, split, tokenize (the vocabulary comes from the whole corpus, so
 * held-out text has no unknown symbols a char model could not have seen), cut the held-out text
 * into non-overlapping windows of block_size + 1 tokens, and check that both sides are big enough.
 * All checks happen here, before anything is sent.
 */
public final class DatasetBuilder {

    private final CorpusLoader loader;
    private final int windowsPerRecord;
    private final int entropySamples;
    private final int maxRecordBytes;

    /**
     * @param windowsPerRecord held-out windows per record, at most (fewer when they would not fit one record)
     * @param maxRecordBytes   the brokers' record limit: no record this builder makes is larger
     */
    public DatasetBuilder(CorpusLoader loader, int windowsPerRecord, int entropySamples, int maxRecordBytes) {
        this.loader = loader;
        this.windowsPerRecord = windowsPerRecord;
        this.entropySamples = entropySamples;
        this.maxRecordBytes = maxRecordBytes;
    }

    public Dataset build(String runId, RunSpec spec) throws DatasetException {
        DataSpec data = spec.data();
        Corpus corpus = loader.load(data, spec.seed());
        if (corpus.chars() == 0) {
            throw new DatasetException("the corpus is empty");
        }
        Split split;
        String whole; // the tokenizer's vocabulary covers both parts: a held-out-only character still has an id
        if (data.heldoutPath() != null) {
            Corpus heldOut = loader.loadHeldOut(data, Math.min(corpus.chars(), data.maxChars() > 0 ? data.maxChars() : Long.MAX_VALUE));
            if (heldOut.chars() == 0) {
                throw new DatasetException("the held-out set data.heldout_path '" + data.heldoutPath() + "' is empty");
            }
            split = Split.given(corpus, heldOut).withTrainingCut(data.maxChars());
            whole = split.trainText() + "\n\n" + split.heldOutText();
            corpus = new Corpus(concat(split.train(), split.heldOut()), false);
        } else if (data.split() == DataSpec.Split.TAIL) {
            split = Split.tail(corpus, data.heldOutFraction()).withTrainingCut(data.maxChars());
            whole = split.trainText() + "\n\n" + split.heldOutText();
            corpus = new Corpus(concat(split.train(), split.heldOut()), corpus.synthetic());
        } else {
            split = Split.of(corpus, data.heldOutFraction(), data.chunkChars(), spec.seed());
            whole = String.join("\n\n", corpus.documents());
        }
        Tokenizer tokenizer = Tokenizers.forCorpus(spec.tokenizer().kind(), whole);
        if (tokenizer.vocabSize() > TokenizerSpec.largestVocabulary(spec.tokenizer().kind())) {
            throw new DatasetException("the corpus has " + (tokenizer.vocabSize() - 2) + " distinct characters; a char vocabulary "
                    + "holds at most " + (TokenizerSpec.MAX_CHAR_VOCABULARY - 2) + " (the limit the trainer admitted the run under); "
                    + "use tokenizer.kind byte or gpt2 for this corpus");
        }
        long batchRecord = RunFootprint.batchRecordBytes(spec, tokenizer.vocabSize());
        if (batchRecord > maxRecordBytes) {
            throw new DatasetException("a training batch record would be " + batchRecord + " bytes, more than the brokers' "
                    + maxRecordBytes + " (data.max-record-bytes); lower training.batch_size or model.block_size");
        }
        int window = spec.model().blockSize() + 1;
        String trainText = split.trainText();
        int[] trainTokens = tokenizer.encode(trainText);
        if (trainTokens.length < window + 1) {
            throw new DatasetException("the train split has " + trainTokens.length + " tokens, fewer than model.block_size + 2 = "
                    + (window + 1) + "; use a larger corpus or a smaller block size");
        }
        int[] heldOutTokens = tokenizer.encode(split.heldOutText());
        int windows = heldOutTokens.length / window;
        if (windows == 0) {
            throw new DatasetException("the held-out split has " + heldOutTokens.length + " tokens, fewer than model.block_size + 1 = "
                    + window + (data.heldoutPath() != null ? "; give a larger data.heldout_path"
                    : "; raise data.held_out_fraction or use a larger corpus"));
        }
        EntropyEstimate entropy = corpus.synthetic()
                ? SyntheticGrammar.english().entropyPerToken(tokenizer, entropySamples, spec.seed()) : null;
        double charsPerToken = (double) whole.length() / Math.max(1, tokenizer.encode(whole).length);
        int perRecord = windowsPerRecord(spec, tokenizer.vocabSize());
        return new Dataset(spec, runId, tokenizer, trainText, trainTokens, heldOutRecords(runId, heldOutTokens, windows, window, perRecord),
                (long) windows * (window - 1), windows, corpus.documents().size(), corpus.chars(), charsPerToken, entropy);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** As many windows per held-out record as configured, or as fit one record when fewer do. */
    int windowsPerRecord(RunSpec spec, int vocabSize) {
        long room = maxRecordBytes - RunFootprint.RECORD_OVERHEAD - TokenBatchCodec.encodedSize(64, 0, 0, vocabSize);
        return (int) Math.max(1, Math.min(windowsPerRecord, room / RunFootprint.heldOutWindowBytes(spec, vocabSize)));
    }

    private static List<TokenBatch> heldOutRecords(String runId, int[] tokens, int windows, int window, int windowsPerRecord) {
        List<TokenBatch> records = new ArrayList<>();
        int t = window - 1;
        for (int first = 0; first < windows; first += windowsPerRecord) {
            int rows = Math.min(windowsPerRecord, windows - first);
            int[] inputs = new int[rows * t];
            int[] targets = new int[rows * t];
            for (int r = 0; r < rows; r++) {
                int start = (first + r) * window;
                System.arraycopy(tokens, start, inputs, r * t, t);
                System.arraycopy(tokens, start + 1, targets, r * t, t);
            }
            records.add(new TokenBatch(runId, records.size(), true, rows, t, inputs, targets));
        }
        return records;
    }

    /** The DatasetPrepared event describing a dataset. */
    public static DatasetPrepared describe(Dataset d) {
        Tokenizer tok = d.tokenizer();
        return DatasetPreparedBuilder.builder()
                .runId(d.runId()).eventId(Event.newId()).timestamp(Event.now())
                .tokenizer(tok.kind()).vocabSize(tok.vocabSize()).vocabulary(List.copyOf(tok.vocabulary()))
                .unknownTokenId(tok.unknownId()).maskTokenId(tok.maskId())
                .documents(d.documents()).corpusChars(d.corpusChars()).trainTokens(d.trainTokens().length)
                .heldOutTokens(d.heldOutTokens()).heldOutRecords(d.heldOut().size()).heldOutWindows(d.heldOutWindows())
                .sourceEntropyNatsPerToken(d.entropy() == null ? null : d.entropy().natsPerToken())
                .entropyMethod(d.entropy() == null ? null : d.entropy().method())
                .build();
    }

    static int[] slice(int[] tokens, int from, int length) {
        return Arrays.copyOfRange(tokens, from, from + length);
    }
}
