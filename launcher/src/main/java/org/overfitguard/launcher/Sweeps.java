package org.overfitguard.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;

/** {@code ./ensemble --sweep ...} or {@code --tune FILE}: submit the sweep, follow its runs one by one, write the report. */
final class Sweeps {

    private Sweeps() {
    }

    static boolean runAndReport(RunSubmitter submitter, EventWatcher watcher, Options options, LocalEnsemble ensemble,
                                PrintStream out, boolean terminal) throws IOException, InterruptedException {
        String base;
        String query;
        String command;
        if (options.tune() != null) {
            base = Files.readString(options.tune()); // the whole tuning body: base, space, trials, seed, scheduler
            query = "";
            command = "./ensemble --tune " + options.tune();
        } else {
            base = options.spec() == null ? "" : Files.readString(options.spec());
            query = "ablation".equals(options.sweep()) || "architecture".equals(options.sweep()) ? "preset=" + options.sweep()
                    : "grid=" + URLEncoder.encode(options.sweep(), StandardCharsets.UTF_8);
            command = "./ensemble --sweep " + options.sweep() + (options.spec() == null ? "" : " --spec " + options.spec());
        }
        List<String> runIds = submitter.submitSweep(query, base);
        out.println("sweep of " + runIds.size() + " runs; comparison view "
                + ensemble.url("monitor-service", "/compare.html"));
        List<RunTracker> runs = runIds.stream().map(watcher::track).toList();
        boolean ok = Ensemble.followAll(runs, out, terminal);
        SweepReport report = SweepReport.of(runs);
        report.write(options.report(), command);
        out.println();
        out.println(report.table());
        out.println("report: " + options.report() + " (chart " + SweepReport.chartPath(options.report()) + ")");
        return ok;
    }
}
