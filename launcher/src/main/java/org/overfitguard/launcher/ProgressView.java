package org.overfitguard.launcher;

import java.io.PrintStream;
import java.util.Locale;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.StepMetrics;

/**
 * The terminal view of a run: one line per evaluation (held-out loss, best marker, gap, sample), and
 * a progress bar with step, training loss, last held-out loss, best so far, patience left and ETA,
 * redrawn in place on a terminal and printed every few seconds otherwise.
 */
final class ProgressView {

    private static final int BAR = 24;

    private final PrintStream out;
    private final boolean terminal;
    private final long startNanos = System.nanoTime();
    private int evaluationsShown;
    private long lastPlainLine;

    ProgressView(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    void update(RunTracker run) {
        var evaluations = run.evaluations();
        while (evaluationsShown < evaluations.size()) {
            printEvaluation(evaluations.get(evaluationsShown++));
        }
        String bar = bar(run);
        if (terminal) {
            out.print("\r\033[2K" + bar);
            out.flush();
        } else if (System.currentTimeMillis() - lastPlainLine > 5000) {
            out.println(bar);
            lastPlainLine = System.currentTimeMillis();
        }
    }

    private void printEvaluation(EvaluationCompleted e) {
        String line;
        if (e.status() == EvaluationStatus.ERROR) {
            line = String.format(Locale.ROOT, "step %6d  evaluation failed: %s", e.step(), e.error());
        } else {
            boolean best = e.bestStep() != null && e.bestStep() == e.step();
            line = String.format(Locale.ROOT, "step %6d  held-out %.4f%s  train %s  gap %s  acc %.3f  | %s", e.step(),
                    e.heldOutLoss(), best ? " *best*" : "       ", number(e.trainLoss()), number(e.gap()), e.accuracy(),
                    oneLine(e.sample()));
        }
        out.println((terminal ? "\r\033[2K" : "") + line);
    }

    private String bar(RunTracker run) {
        int maxSteps = run.requested() == null ? 1 : run.requested().spec().training().maxSteps();
        var steps = run.steps();
        StepMetrics last = steps.isEmpty() ? null : steps.get(steps.size() - 1);
        long step = last == null ? 0 : last.step();
        int filled = (int) Math.min(BAR, BAR * step / Math.max(1, maxSteps));
        var eval = run.lastEvaluation().orElse(null);
        String eta = "--:--";
        if (last != null && last.tokensPerSecond() > 0 && step > 0) {
            double seconds = (System.nanoTime() - startNanos) / 1e9 * (maxSteps - step) / step;
            eta = String.format(Locale.ROOT, "%d:%02d", (long) seconds / 60, (long) seconds % 60);
        }
        return String.format(Locale.ROOT, "[%s%s] %d/%d  train %s  held-out %s  best %s  patience %s  %s tok/s  ETA %s",
                "#".repeat(filled), "-".repeat(BAR - filled), step, maxSteps,
                last == null ? "-" : number(last.crossEntropy()),
                eval == null ? "-" : number(eval.heldOutLoss()),
                eval == null || eval.bestValue() == null ? "-" : number(eval.bestValue()) + " @" + eval.bestStep(),
                eval == null ? "-" : String.valueOf(eval.patienceLeft()),
                last == null ? "-" : String.format(Locale.ROOT, "%.0f", last.tokensPerSecond()), eta);
    }

    void summary(RunTracker run, String dashboard) {
        if (terminal) {
            out.println();
        }
        if (run.failed() != null) {
            out.println("run " + run.runId() + " FAILED in " + run.failed().service() + ": " + run.failed().reason());
            return;
        }
        RunCompleted c = run.completed();
        var best = run.evaluationAt(c.bestStep());
        out.println();
        out.println("run " + run.runId() + " completed: " + c.reason().name().toLowerCase(Locale.ROOT) + " after " + c.steps() + " steps");
        run.stops().stream().findFirst().ifPresent(s -> out.println("  why:              " + s.detail()));
        out.println("  best step:        " + c.bestStep());
        out.println("  best held-out:    " + number(c.bestHeldOutLoss()) + " nats/token"
                + best.map(e -> String.format(Locale.ROOT, " (perplexity %.2f, accuracy %.3f)", e.perplexity(), e.accuracy())).orElse(""));
        out.println("  gap at best:      " + best.map(e -> number(e.gap())).orElse("-") + " (held-out minus training cross-entropy)");
        run.lastEvaluation().ifPresent(e -> out.println("  gap at the end:   " + number(e.gap()) + " at step " + e.step()));
        if (run.dataset() != null && run.dataset().sourceEntropyNatsPerToken() != null) {
            out.println("  entropy floor:    " + number(run.dataset().sourceEntropyNatsPerToken()) + " nats/token (no model can beat it)");
        }
        out.println("  final model:      " + c.finalModelPath());
        out.println("  dashboard:        " + dashboard);
    }

    private static String number(Double d) {
        return d == null || d.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", d);
    }

    private static String oneLine(String s) {
        if (s == null) {
            return "";
        }
        String flat = s.replaceAll("\\s+", " ");
        return "\"" + (flat.length() > 70 ? flat.substring(0, 67) + "..." : flat) + "\"";
    }
}
