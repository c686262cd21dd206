package org.overfitguard.data.store;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.jboss.logging.Logger;
import org.overfitguard.data.corpus.DatasetException;
import org.overfitguard.data.corpus.SourceFile;

/**
 * The tokenized corpus store: one directory per corpus, named by its {@link CorpusKey}, holding
 * token shards, a document index and {@code entry.json}. A corpus is tokenized once; every later run
 * on it (the same files, unchanged, and tokenizer) opens the entry by memory map at once. An entry is
 * built in {@code .tmp-<instance>-<uuid>} and renamed into place, so it is whole or absent; runs in
 * this process that want the same entry wait for the one building it, and two replicas that race
 * keep the first rename. The store holds at most {@code maxBytes} (data.store.max-bytes): before an
 * entry is built its size is estimated and least recently used entries that no run holds are
 * deleted to make room; a corpus that cannot fit fails its run naming the setting, before anything
 * is written, or as soon as its tokens pass the room left.
 */
public final class CorpusStore {

    private static final Logger LOG = Logger.getLogger(CorpusStore.class);
    private static final String ENTRY = "entry.json";

    private final Path dir;
    private final long maxBytes;
    private final String instance;
    private final CorpusBuilder builder;
    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    /** Entries open by runs here, and how many hold each: not evicted. */
    private final Map<String, Integer> inUse = new HashMap<>();

    public CorpusStore(Path dir, long maxBytes, String instance, double maxBadShare, int maxDocumentBytes) {
        this.dir = dir.toAbsolutePath().normalize();
        this.maxBytes = maxBytes;
        this.instance = instance.replaceAll("[^A-Za-z0-9_-]", "_");
        this.builder = new CorpusBuilder(new org.overfitguard.data.corpus.DocumentReader(maxDocumentBytes), maxBadShare);
        try {
            Files.createDirectories(this.dir);
            try (Stream<Path> leftovers = Files.list(this.dir)) {
                for (Path p : leftovers.toList()) {
                    String name = p.getFileName().toString();
                    if (name.startsWith(".tmp-" + this.instance + "-") || name.startsWith(".deleting-")) {
                        deleteTree(p); // a build or delete this instance did not finish (killed)
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use the corpus store " + this.dir + " (data.store.dir)", e);
        }
    }

    public Path dir() {
        return dir;
    }

    /**
     * The entry of {@code input}, built first if there is none (or the one there is broken).
     *
     * @param cancelled asked while building: true abandons the build
     */
    public StoredCorpus open(CorpusInput input, BooleanSupplier cancelled) throws DatasetException {
        String key = CorpusKey.of(input);
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            Path target = dir.resolve(key);
            StoreEntry entry = readEntry(target);
            if (entry == null) {
                entry = build(key, input, cancelled);
                LOG.infof("corpus store: tokenized %s into %s: %,d tokens, %,d documents, %s, in %.1f s", describe(input), key,
                        entry.tokens(), entry.documents(), human(entry.diskBytes()), entry.tokenizeSeconds());
            } else {
                LOG.infof("corpus store: %s found as %s (%,d tokens)", describe(input), key, entry.tokens());
            }
            return hold(target, entry);
        }
    }

    private StoredCorpus hold(Path target, StoreEntry entry) throws DatasetException {
        synchronized (inUse) {
            inUse.merge(entry.key(), 1, Integer::sum);
        }
        try {
            Files.setLastModifiedTime(target.resolve(ENTRY), FileTime.fromMillis(System.currentTimeMillis())); // least recently used
            return new StoredCorpus(target, entry, () -> release(entry.key()));
        } catch (IOException e) {
            release(entry.key());
            throw new DatasetException("corpus store entry " + target + " cannot be read: " + e.getMessage(), e);
        }
    }

    private void release(String key) {
        synchronized (inUse) {
            inUse.computeIfPresent(key, (k, n) -> n > 1 ? n - 1 : null);
        }
    }

    private StoreEntry build(String key, CorpusInput input, BooleanSupplier cancelled) throws DatasetException {
        long estimate = estimate(input);
        long room = makeRoom(estimate, key);
        Path tmp = dir.resolve(".tmp-" + instance + "-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            StoreEntry entry = builder.build(tmp, key, input, room, cancelled);
            byte[] meta = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(entry);
            try (FileChannel c = FileChannel.open(tmp.resolve(ENTRY), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                c.write(ByteBuffer.wrap(meta));
                c.force(true);
            }
            try {
                Files.move(tmp, dir.resolve(key), StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
                StoreEntry theirs = readEntry(dir.resolve(key));
                if (theirs == null) {
                    throw new IOException("corpus store entry " + key + " appeared broken while this one was built", raced);
                }
                return theirs; // another replica renamed its build first: the same content
            } catch (AtomicMoveNotSupportedException e) {
                throw new IOException("the corpus store " + dir + " must be on one file system", e);
            }
            return entry;
        } catch (TokenShardWriter.StoreFullException e) {
            throw new DatasetException("the corpus' tokens take more than the " + human(room) + " the corpus store has room for (at "
                    + human(e.bytes) + " they passed it); data.store.max-bytes is " + human(maxBytes)
                    + " (entries in use by running runs are kept); raise it, or use data.max_chars or a smaller corpus");
        } catch (IOException e) {
            throw new DatasetException("cannot write the corpus store entry " + key + " under " + dir + ": " + e.getMessage(), e);
        } finally {
            if (Files.exists(tmp)) {
                deleteTree(tmp);
            }
        }
    }

    /**
     * Deletes least recently used entries that no run holds until {@code estimate} fits the budget;
     * returns the room there is then (the build's hard limit). Fails naming data.store.max-bytes when
     * even an empty store (but for the entries in use) would be too small.
     */
    private long makeRoom(long estimate, String key) throws DatasetException {
        synchronized (inUse) {
            List<Entry> entries = entries();
            long used = entries.stream().mapToLong(Entry::bytes).sum();
            long pinned = entries.stream().filter(e -> inUse.containsKey(e.key())).mapToLong(Entry::bytes).sum();
            if (estimate > maxBytes - pinned) {
                throw new DatasetException("the corpus needs about " + human(estimate) + " in the corpus store (tokens and index), more"
                        + " than data.store.max-bytes (" + human(maxBytes) + ")" + (pinned > 0 ? " less the " + human(pinned)
                        + " of entries running runs use" : "") + "; raise it, or use data.max_chars or a smaller corpus");
            }
            for (Entry e : entries.stream().sorted(Comparator.comparing(Entry::lastUsed)).toList()) {
                if (used + estimate <= maxBytes) {
                    break;
                }
                if (!inUse.containsKey(e.key()) && !e.key().equals(key)) {
                    LOG.infof("corpus store: evicting %s (%s, last used %s) to make room", e.key(), human(e.bytes()), e.lastUsed());
                    evict(e.dir());
                    used -= e.bytes();
                }
            }
            return maxBytes - used;
        }
    }

    /** Bytes a build may write, estimated from the inputs: 2 bytes per input byte (gunzipped) for char and byte, half that for gpt2. */
    static long estimate(CorpusInput input) {
        long text = input.synthetic() ? input.syntheticText().length()
                : input.parts().stream().flatMap(List::stream).mapToLong(CorpusStore::uncompressedSize).sum();
        return input.tokenizer().equals("gpt2") ? text : 2 * text;
    }

    /** A gzip file's ISIZE (its size mod 2^32) when that is plausible, else 4 x its size; a plain file's size. */
    static long uncompressedSize(SourceFile f) {
        if (!f.gzip()) {
            return f.size();
        }
        try (FileChannel c = FileChannel.open(f.path(), StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
            c.read(b, Math.max(0, c.size() - 4));
            long isize = Integer.toUnsignedLong(b.getInt(0));
            return isize >= f.size() ? isize : 4 * f.size();
        } catch (IOException e) {
            return 4 * f.size();
        }
    }

    /** An entry on disk: its key, its bytes, when it was last used. */
    private record Entry(String key, Path dir, long bytes, FileTime lastUsed) {
    }

    private List<Entry> entries() {
        try (Stream<Path> all = Files.list(dir)) {
            return all.filter(p -> !p.getFileName().toString().startsWith(".")).map(p -> {
                try {
                    StoreEntry e = readEntry(p);
                    long bytes = e != null ? e.diskBytes() : treeSize(p);
                    FileTime used = Files.exists(p.resolve(ENTRY)) ? Files.getLastModifiedTime(p.resolve(ENTRY)) : FileTime.fromMillis(0);
                    return new Entry(p.getFileName().toString(), p, bytes, used);
                } catch (IOException ex) {
                    return new Entry(p.getFileName().toString(), p, 0, FileTime.fromMillis(0));
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The entry's metadata when the entry is whole and of this format; null otherwise (a broken one is removed). */
    private StoreEntry readEntry(Path entryDir) {
        Path meta = entryDir.resolve(ENTRY);
        if (!Files.isDirectory(entryDir)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(meta)) {
            StoreEntry e = json.readValue(in, StoreEntry.class);
            if (e.format() == StoredCorpus.FORMAT && e.key().equals(entryDir.getFileName().toString()) && filesPresent(entryDir, e)) {
                return e;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warnf("corpus store: entry %s is broken (%s); it is rebuilt", entryDir.getFileName(), e.getMessage());
        }
        synchronized (inUse) {
            if (!inUse.containsKey(entryDir.getFileName().toString())) {
                evict(entryDir);
            }
        }
        return null;
    }

    private static boolean filesPresent(Path entryDir, StoreEntry e) throws IOException {
        for (int i = 0; i < e.shards().size(); i++) {
            Path shard = entryDir.resolve(TokenShardWriter.shardName(i));
            if (!Files.isRegularFile(shard) || Files.size(shard) != e.shards().get(i) * e.width()) {
                return false;
            }
        }
        Path index = entryDir.resolve("documents.bin");
        return Files.isRegularFile(index) && Files.size(index) == e.documents() * StoredCorpus.DOCUMENT_BYTES;
    }

    private void evict(Path entryDir) {
        Path doomed = dir.resolve(".deleting-" + UUID.randomUUID());
        try {
            Files.move(entryDir, doomed, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            doomed = entryDir;
        }
        deleteTree(doomed);
    }

    private static long treeSize(Path p) throws IOException {
        try (Stream<Path> all = Files.walk(p)) {
            return all.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }

    private static void deleteTree(Path p) {
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            LOG.warnf("corpus store: could not delete %s: %s", p, e.getMessage());
        }
    }

    private static String describe(CorpusInput input) {
        if (input.synthetic()) {
            return "the synthetic corpus";
        }
        List<SourceFile> files = input.parts().stream().flatMap(List::stream).toList();
        return files.size() == 1 ? files.get(0).relative() : files.size() + " files (" + files.get(0).relative() + ", ...)";
    }

    static String human(long bytes) {
        if (bytes < 1 << 20) {
            return bytes + " bytes";
        }
        return String.format(java.util.Locale.ROOT, bytes < 1L << 30 ? "%.1f MiB" : "%.2f GiB",
                bytes / (double) (bytes < 1L << 30 ? 1 << 20 : 1L << 30));
    }
}
