package org.overfitguard.launcher;

import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import org.overfitguard.contracts.Topics;

/**
 * Command-line options of {@code ./ensemble}.
 *
 * @param spec     a run spec file (YAML or JSON); null runs the default spec
 * @param sweep    null, "ablation", or a grid "key=v1,v2;key2=v3,v4" expanded by trainer-service
 * @param keep     keep the ensemble up after the run(s), until Ctrl-C
 * @param workdir  where the broker's data, checkpoints and logs go
 * @param dataRoot the directory file corpora are read from
 * @param corpusStore data-service's tokenized corpus store, shared by launches (a corpus is tokenized once)
 * @param report   where a sweep's report goes
 * @param trainers how many trainer replicas (processes) share the runs
 */
record Options(Path spec, String sweep, Path tune, boolean keep, Path workdir, Path dataRoot, Path report, boolean freePorts, int trainers,
               Path corpusStore) {

    static final String USAGE = """
            usage: ./ensemble [--spec FILE] [--sweep ablation|architecture|GRID | --tune FILE] [--keep] [--workdir DIR] [--data-root DIR]
                              [--report FILE] [--free-ports] [--trainers N] [--corpus-store DIR]
              --spec FILE      run this spec (YAML or JSON; missing fields take defaults) instead of the default run
              --sweep ablation every regularizer on, then each one off in turn, the other decay and smoothing forms,
                               head dropout, then none (on the spec's base)
              --sweep architecture  pre/post/no norm, LayerNorm/RMSNorm, with and without residuals (6+ layers)
              --sweep GRID     a grid, e.g. "regularization.dropout.residual=0,0.1;regularization.weight_decay=0,0.1"
              --tune FILE      a tuning sweep: base spec, search space, trials, seed and scheduler (grid, random or
                               asha, which prunes losing trials at rungs); see README, Tuning
              --keep           keep the ensemble running after the run(s) (Ctrl-C stops it)
              --workdir DIR    broker data, checkpoints and logs (default .ensemble/launch-<time>)
              --data-root DIR  where file and directory corpora are looked up (default data)
              --corpus-store DIR  where corpora are kept tokenized, for every later launch (default .ensemble/corpus-store)
              --report FILE    the sweep's Markdown report (default <workdir>/sweep-report.md, chart beside it)
              --free-ports     pick free ports instead of 9092 and 8081-8084
              --trainers N     N trainer replicas (1 to 3, the partitions of topic runs), each its own process with
                               1/N of the cores: a sweep's trials train side by side (default 1)
            and, against a running ensemble: ./ensemble generate --run ID ... | ./ensemble export --run ID ... (see --help of each)
            """;

    static Options parse(String[] args) {
        Path spec = null;
        String sweep = null;
        Path tune = null;
        boolean keep = false;
        boolean freePorts = false;
        Path workdir = Path.of(".ensemble", "launch-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path dataRoot = Path.of("data");
        Path report = null;
        int trainers = 1;
        Path corpusStore = Path.of(".ensemble", "corpus-store");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--spec" -> spec = Path.of(value(args, ++i, "--spec"));
                case "--sweep" -> sweep = value(args, ++i, "--sweep");
                case "--tune" -> tune = Path.of(value(args, ++i, "--tune"));
                case "--keep" -> keep = true;
                case "--workdir" -> workdir = Path.of(value(args, ++i, "--workdir"));
                case "--data-root" -> dataRoot = Path.of(value(args, ++i, "--data-root"));
                case "--report" -> report = Path.of(value(args, ++i, "--report"));
                case "--free-ports" -> freePorts = true;
                case "--trainers" -> trainers = count(value(args, ++i, "--trainers"));
                case "--corpus-store" -> corpusStore = Path.of(value(args, ++i, "--corpus-store"));
                case "--help", "-h" -> throw new IllegalArgumentException("");
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (tune != null && (sweep != null || spec != null)) {
            throw new IllegalArgumentException("--tune FILE names its own base spec and space: not with --sweep or --spec");
        }
        return new Options(spec, sweep, tune, keep, workdir, dataRoot, report == null ? workdir.resolve("sweep-report.md") : report, freePorts,
                trainers, corpusStore);
    }

    private static int count(String value) {
        try {
            int n = Integer.parseInt(value);
            if (n >= 1 && n <= Topics.STATIC_PARTITIONS) {
                return n;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("--trainers must be a whole number from 1 to " + Topics.STATIC_PARTITIONS
                + " (the partitions of topic runs), was " + value);
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }
}
