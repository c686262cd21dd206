package org.overfitguard.data.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.overfitguard.contracts.spec.RunSpec;
import org.overfitguard.contracts.spec.RunSpecs;
import org.overfitguard.data.corpus.SourceFiles;
import org.overfitguard.data.dataset.BatchFactory;
import org.overfitguard.data.dataset.Dataset;
import org.overfitguard.data.dataset.DatasetBuilder;
import org.overfitguard.data.store.CorpusStore;

/**
 * data-service's path from a corpus file to training batches, at scale, in this JVM (run it with
 * -Xmx512m to see that the heap does not grow with the corpus): tokenization into the store (cold),
 * the same run again with a new store object as after a restart (warm), the time to the first batch
 * each way, batch production on one thread at the default run's shape and at nanoGPT's README CPU
 * model's, the entry's size, peak heap and peak resident set.
 *
 * <pre>CorpusScaleBenchmark DATA_ROOT PATH STORE_DIR [text|jsonl] [char|byte|gpt2]</pre>
 * One line of figures, tab-separated after a label, for scripts/corpus-scale.sh to tabulate.
 */
public final class CorpusScaleBenchmark {

    private CorpusScaleBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        String path = args[1];
        Path storeDir = Path.of(args[2]);
        String format = args.length > 3 ? args[3] : "text";
        String tokenizer = args.length > 4 ? args[4] : "char";
        long inputBytes = Files.size(root.resolve(path));
        RunSpec spec = RunSpecs.parse("data: {source: file, path: " + path + ", format: " + format + "}\ntokenizer: {kind: " + tokenizer + "}\n");
        RunSpec nano = RunSpecs.parse("data: {source: file, path: " + path + ", format: " + format + "}\ntokenizer: {kind: " + tokenizer + "}\n"
                + "model: {layers: 4, heads: 4, width: 128, block_size: 64}\ntraining: {batch_size: 12}\n");

        Thread sampler = new Thread(CorpusScaleBenchmark::sampleAnon, "rss-sampler");
        sampler.setDaemon(true);
        sampler.start();
        long t0 = System.nanoTime();
        double tokenize;
        double cold;
        long tokens;
        long disk;
        long documents;
        try (Dataset d = builder(root, storeDir).build("bench", spec)) {
            new BatchFactory(d, null).batch(0);
            cold = seconds(t0);
            tokenize = d.corpus().tokenizeSeconds();
            tokens = d.corpus().tokens();
            disk = d.corpus().diskBytes();
            documents = d.corpus().documents();
        }
        long t1 = System.nanoTime();
        double batchesDefault;
        double batchesNano;
        try (Dataset d = builder(root, storeDir).build("bench", spec)) {
            new BatchFactory(d, null).batch(0);
            double warm = seconds(t1);
            batchesDefault = rate(new BatchFactory(d, null));
            try (Dataset n = builder(root, storeDir).build("bench-nano", nano)) {
                batchesNano = rate(new BatchFactory(n, null));
            }
            System.out.printf(Locale.ROOT, "corpus\t%s\t%s\t%s\tbytes %d\tdocuments %d\ttokens %d\ttokenize_s %.1f\tMB_per_s %.1f\t"
                            + "first_batch_cold_s %.1f\tfirst_batch_warm_s %.2f\tstore_bytes %d\tbatches_per_s_default %.0f\t"
                            + "batches_per_s_nanogpt_cpu %.0f\tpeak_heap_MiB %.0f\tpeak_anon_MiB %.0f\tpeak_rss_MiB %.0f%n",
                    path, format, tokenizer, inputBytes, documents, tokens, tokenize, inputBytes / 1e6 / tokenize, cold, warm, disk,
                    batchesDefault, batchesNano, peakHeap() / 1048576.0, peakAnon / 1024.0, status("VmHWM:") / 1024.0);
        }
    }

    private static DatasetBuilder builder(Path root, Path store) {
        return new DatasetBuilder(new SourceFiles(root), new CorpusStore(store, 1L << 40, "bench", 0.01, 1 << 24), 64, 1000, 1 << 20,
                1L << 29);
    }

    /** Batches per second on this thread over two seconds, after a warm-up. */
    private static double rate(BatchFactory f) {
        for (int k = 0; k < 200; k++) {
            f.batch(k);
        }
        long start = System.nanoTime();
        int n = 0;
        while (System.nanoTime() - start < 2_000_000_000L) {
            f.batch(1000 + n++);
        }
        return n / seconds(start);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    private static long peakHeap() {
        return ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
                .mapToLong(p -> p.getPeakUsage().getUsed()).sum();
    }

    /**
     * The largest RssAnon seen (heap, native memory, thread stacks: what the process itself holds), every
     * 20 ms. VmHWM also counts the pages of the memory-mapped store that are resident, which are the
     * kernel's page cache, shared by every mapping of the file and dropped first under pressure.
     */
    private static volatile long peakAnon;

    private static void sampleAnon() {
        while (true) {
            try {
                peakAnon = Math.max(peakAnon, status("RssAnon:"));
                Thread.sleep(20);
            } catch (Exception e) {
                return;
            }
        }
    }

    /** A line of /proc/self/status, in KiB. */
    private static long status(String field) throws java.io.IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith(field))
                .mapToLong(l -> Long.parseLong(l.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
    }
}
