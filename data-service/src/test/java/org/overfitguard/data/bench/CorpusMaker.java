package org.overfitguard.data.bench;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.overfitguard.text.synthetic.SyntheticGrammar;

/**
 * Writes a corpus of the synthetic grammar of at least a given size, as users bring them: one text
 * file of documents (paragraphs of 4 to 40 sentences, separated by blank lines) or JSON Lines of
 * {"id": n, "text": "..."}, optionally gzip-compressed. Deterministic for a seed.
 *
 * <pre>CorpusMaker OUT BYTES [text|jsonl] [gzip] [seed]</pre>
 */
public final class CorpusMaker {

    private CorpusMaker() {
    }

    public static void main(String[] args) throws IOException {
        Path out = Path.of(args[0]);
        long bytes = parseSize(args[1]);
        boolean jsonl = args.length > 2 && args[2].equals("jsonl");
        boolean gzip = args.length > 3 && args[3].equals("gzip");
        long seed = args.length > 4 ? Long.parseLong(args[4]) : 2026;
        long start = System.nanoTime();
        long written = write(out, bytes, jsonl, gzip, seed);
        System.out.printf(Locale.ROOT, "wrote %s: %,d bytes of %s text%s in %.1f s%n", out, Files.size(out), jsonl ? "jsonl" : "plain",
                gzip ? " (gzip, " + written + " before)" : "", (System.nanoTime() - start) / 1e9);
    }

    static long parseSize(String s) {
        String t = s.toUpperCase(Locale.ROOT);
        long unit = t.endsWith("G") ? 1L << 30 : t.endsWith("M") ? 1L << 20 : t.endsWith("K") ? 1L << 10 : 1;
        return (long) (Double.parseDouble(unit == 1 ? t : t.substring(0, t.length() - 1)) * unit);
    }

    /** Returns the bytes of text written (before compression). */
    static long write(Path out, long bytes, boolean jsonl, boolean gzip, long seed) throws IOException {
        SyntheticGrammar grammar = SyntheticGrammar.english();
        Random random = new Random(seed);
        long written = 0;
        try (OutputStream raw = Files.newOutputStream(out);
             OutputStream sink = gzip ? new GZIPOutputStream(raw, 1 << 16) : raw;
             BufferedWriter w = new BufferedWriter(new OutputStreamWriter(sink, StandardCharsets.UTF_8), 1 << 20)) {
            StringBuilder doc = new StringBuilder();
            for (long id = 0; written < bytes; id++) {
                doc.setLength(0);
                int sentences = 4 + random.nextInt(37);
                for (int i = 0; i < sentences; i++) {
                    if (i > 0) {
                        doc.append(' ');
                    }
                    doc.append(grammar.sample(random).text());
                }
                String line = jsonl ? "{\"id\": " + id + ", \"text\": \"" + doc.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"}\n"
                        : (id > 0 ? "\n\n" : "") + doc;
                w.write(line);
                written += line.length(); // the grammar writes ASCII: one byte per character
            }
        }
        return written;
    }
}
