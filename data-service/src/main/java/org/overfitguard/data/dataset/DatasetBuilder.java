package org.overfitguard.data.dataset;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.overfitguard.contracts.batch.TokenBatchCodec;
import org.overfitguard.contracts.events.DatasetPrepared;
import org.overfitguard.contracts.events.DatasetPreparedBuilder;
import org.overfitguard.contracts.events.Event;
import org.overfitguard.contracts.spec.DataSpec;
import org.overfitguard.contracts.spec.RunFootprint;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.corpus.SourceFile;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.data.store.CorpusInput;
import org.overfitguard.data.store.CorpusStore;
import org.overfitguard.data.store.StoredCorpus;
import org.overfitguard.text.synthetic.SyntheticGrammar;
import org.overfitguard.text.synthetic.SyntheticGrammar.EntropyEstimate;
import org.overfitguard.text.tokenize.ByteTokenizer;
import org.overfitguard.text.tokenize.CharTokenizer;
import org.overfitguard.text.tokenize.Gpt2Tokenizer;
import org.overfitguard.text.tokenize.Tokenizer;

/**
 * Spec to {@link Dataset}: list the files (or generate the synthetic corpus), open its entry in the
 * corpus store (tokenizing it once, streaming, if it has none: the vocabulary covers both parts, so
 * held-out text has no symbol a char model could not have seen), split it, choose the held-out
 * windows, and check that both sides are big enough and every record fits the brokers. All checks
 * happen here, before anything is sent.
 */
public final class DatasetBuilder {

    private final SourceFiles files;
    private final CorpusStore store;
    private final int windowsPerRecord;
    private final int entropySamples;
    private final int maxRecordBytes;
    private final long maxHeldOutBytes;

    /**
     * @param windowsPerRecord held-out windows per record, at most (fewer when they would not fit one record)
     * @param maxRecordBytes   the brokers' record limit: no record this builder makes is larger
     * @param maxHeldOutBytes  what the held-out topic may hold (data.max-heldout-bytes)
     */
    public DatasetBuilder(SourceFiles files, CorpusStore store, int windowsPerRecord, int entropySamples, int maxRecordBytes,
                          long maxHeldOutBytes) {
        this.files = files;
        this.store = store;
        this.windowsPerRecord = windowsPerRecord;
        this.entropySamples = entropySamples;
        this.maxRecordBytes = maxRecordBytes;
        this.maxHeldOutBytes = maxHeldOutBytes;
    }

    public Dataset build(String runId, RunSpec spec) throws DatasetException {
        return build(runId, spec, () -> false);
    }

    /** @param cancelled asked while a corpus is tokenized: true abandons it */
    public Dataset build(String runId, RunSpec spec, BooleanSupplier cancelled) throws DatasetException {
        StoredCorpus corpus = store.open(input(spec), cancelled);
        try {
            Tokenizer tokenizer = tokenizer(corpus);
            long batchRecord = RunFootprint.batchRecordBytes(spec, tokenizer.vocabSize());
            if (batchRecord > maxRecordBytes) {
                throw new DatasetException("a training batch record would be " + batchRecord + " bytes, more than the brokers' "
                        + maxRecordBytes + " (data.max-record-bytes); lower training.batch_size or model.block_size");
            }
            if (corpus.partTokens(0) == 0) {
                throw new DatasetException("the corpus is empty" + (corpus.skippedLines() > 0 ? " (every jsonl line was skipped)" : ""));
            }
            if (spec.data().heldoutPath() != null && corpus.partTokens(1) == 0) {
                throw new DatasetException("the held-out set data.heldout_path '" + spec.data().heldoutPath() + "' is empty");
            }
            SplitPlan split = SplitPlan.of(corpus, spec.data(), spec.seed());
            int window = spec.model().blockSize() + 1;
            if (split.train().size() < window + 1) {
                throw new DatasetException("the train split has " + split.train().size() + " tokens, fewer than model.block_size + 2 = "
                        + (window + 1) + "; use a larger corpus or a smaller block size");
            }
            HeldOutWindows heldOut = heldOut(runId, spec, split.heldOut(), window, tokenizer.vocabSize());
            EntropyEstimate entropy = corpus.synthetic()
                    ? SyntheticGrammar.english().entropyPerToken(tokenizer, entropySamples, spec.seed()) : null;
            return new Dataset(spec, runId, tokenizer, corpus, split, heldOut, entropy);
        } catch (DatasetException | RuntimeException e) {
            corpus.close();
            throw e;
        }
    }

    private CorpusInput input(RunSpec spec) throws DatasetException {
        DataSpec d = spec.data();
        String kind = spec.tokenizer().kind().name().toLowerCase(java.util.Locale.ROOT);
        if (d.source() == DataSpec.Source.SYNTHETIC) {
            return CorpusInput.synthetic(kind, SyntheticGrammar.english().corpus(d.sentences(), spec.seed()));
        }
        List<List<SourceFile>> parts = new ArrayList<>();
        parts.add(files.list(d.path(), "data.path", d.format(), d.source() == DataSpec.Source.DIRECTORY));
        if (d.heldoutPath() != null) {
            List<SourceFile> held = files.list(d.heldoutPath(), "data.heldout_path", d.format(), false);
            for (SourceFile f : held) {
                if (parts.get(0).stream().anyMatch(t -> t.path().equals(f.path()))) {
                    throw new DatasetException("data.heldout_path '" + d.heldoutPath() + "' holds " + f.relative()
                            + ", which data.path trains on: held-out text must not be trained on");
                }
            }
            parts.add(held);
        }
        return CorpusInput.files(kind, d.format(), d.textField(), parts);
    }

    private static Tokenizer tokenizer(StoredCorpus corpus) {
        return switch (corpus.tokenizer()) {
            case "char" -> CharTokenizer.fromVocabulary(corpus.vocabulary());
            case "byte" -> new ByteTokenizer();
            default -> new Gpt2Tokenizer();
        };
    }

    private HeldOutWindows heldOut(String runId, RunSpec spec, TokenView side, int window, int vocabSize) throws DatasetException {
        long available = side.size() / window;
        if (available == 0) {
            throw new DatasetException("the held-out split has " + side.size() + " tokens, fewer than model.block_size + 1 = " + window
                    + (spec.data().heldoutPath() != null ? "; give a larger data.heldout_path"
                    : "; raise data.held_out_fraction or use a larger corpus"));
        }
        long maxTokens = spec.evaluation().maxTokens();
        long wanted = maxTokens == 0 ? available : Math.min(available, Math.max(1, maxTokens / (window - 1)));
        long bytes = wanted * RunFootprint.heldOutWindowBytes(spec, vocabSize);
        if (bytes > maxHeldOutBytes || wanted > Integer.MAX_VALUE) {
            long fits = maxHeldOutBytes / RunFootprint.heldOutWindowBytes(spec, vocabSize);
            throw new DatasetException("the held-out set to score would be " + wanted + " windows, " + bytes + " bytes on its topic, more"
                    + " than data.max-heldout-bytes (" + maxHeldOutBytes + "); set evaluation.max_tokens to at most "
                    + fits * (window - 1) + " (the held-out split has " + side.size() + " tokens)");
        }
        return new HeldOutWindows(runId, side, window, available, (int) wanted, windowsPerRecord(spec, vocabSize));
    }

    /** As many windows per held-out record as configured, or as fit one record when fewer do. */
    int windowsPerRecord(RunSpec spec, int vocabSize) {
        long room = maxRecordBytes - RunFootprint.RECORD_OVERHEAD - TokenBatchCodec.encodedSize(64, 0, 0, vocabSize);
        return (int) Math.max(1, Math.min(windowsPerRecord, room / RunFootprint.heldOutWindowBytes(spec, vocabSize)));
    }

    /** The DatasetPrepared event describing a dataset. */
    public static DatasetPrepared describe(Dataset d) {
        Tokenizer tok = d.tokenizer();
        StoredCorpus c = d.corpus();
        return DatasetPreparedBuilder.builder()
                .runId(d.runId()).eventId(Event.newId()).timestamp(Event.now())
                .tokenizer(tok.kind()).vocabSize(tok.vocabSize()).vocabulary(List.copyOf(tok.vocabulary()))
                .unknownTokenId(tok.unknownId()).maskTokenId(tok.maskId())
                .documents((int) Math.min(Integer.MAX_VALUE, c.documents())).corpusChars(c.chars()).trainTokens(d.train().size())
                .heldOutTokens(d.heldOut().tokens()).heldOutRecords(d.heldOut().records()).heldOutWindows(d.heldOut().count())
                .sourceEntropyNatsPerToken(d.entropy() == null ? null : d.entropy().natsPerToken())
                .entropyMethod(d.entropy() == null ? null : d.entropy().method())
                .corpusBytes(c.bytes()).invalidUtf8Sequences(c.invalidUtf8()).skippedLines(c.skippedLines())
                .heldOutSplitTokens(d.split().heldOut().size()).corpusKey(c.key())
                .build();
    }
}
