package org.overfitguard.launcher;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import org.overfitguard.contracts.events.EvaluationCompleted;
import org.overfitguard.contracts.events.EvaluationStatus;
import org.overfitguard.contracts.events.RunCompleted;
import org.overfitguard.contracts.events.StopReason;
import org.overfitguard.contracts.events.StopRequested;

/**
 * A sweep's results: one row per run (best held-out loss, generalization gap at the best step and
 * at the end, best and stop steps, why it ended) as a Markdown table, and a PNG chart of every
 * run's held-out loss over steps with its best point marked.
 */
public final class SweepReport {

    /** One run's line of the report. */
    public record Row(String variant, String runId, Double bestHeldOutLoss, Double gapAtBest, Double gapAtEnd, Long bestStep,
                      long steps, String reason, List<double[]> curve, Long prunedAt, long budget) {

        /** The held-out curve as step -> loss. */
        public Map<Long, Double> curveByStep() {
            Map<Long, Double> m = new java.util.HashMap<>();
            curve.forEach(p -> m.put((long) p[0], p[1]));
            return m;
        }
    }

    private final List<Row> rows;

    private SweepReport(List<Row> rows) {
        this.rows = rows;
    }

    public static SweepReport of(List<RunTracker> runs) {
        List<Row> rows = new ArrayList<>();
        for (RunTracker run : runs) {
            RunCompleted c = run.completed();
            List<EvaluationCompleted> ok = run.evaluations().stream().filter(e -> e.status() == EvaluationStatus.OK).toList();
            List<double[]> curve = ok.stream().map(e -> new double[] {e.step(), e.heldOutLoss()}).toList();
            String variant = run.requested() != null && run.requested().variant() != null ? run.requested().variant() : run.runId();
            Long bestStep = c == null ? null : c.bestStep();
            Long prunedAt = run.stops().stream().filter(st -> st.reason() == StopReason.PRUNED).map(StopRequested::atStep).findFirst()
                    .orElse(null);
            long budget = run.requested() == null ? 0 : run.requested().spec().training().maxSteps();
            rows.add(new Row(variant, run.runId(), c == null ? null : c.bestHeldOutLoss(),
                    run.evaluationAt(bestStep).map(EvaluationCompleted::gap).orElse(null),
                    ok.isEmpty() ? null : ok.get(ok.size() - 1).gap(), bestStep, c == null ? 0 : c.steps(),
                    c != null ? c.reason().name().toLowerCase(Locale.ROOT) : run.failed() != null ? "failed: " + run.failed().reason() : "-",
                    curve, prunedAt, budget));
        }
        return new SweepReport(rows);
    }

    public List<Row> rows() {
        return rows;
    }

    public String table() {
        StringBuilder t = new StringBuilder();
        t.append("| variant | best held-out loss | gap at best | gap at end | best step | steps | ended by |\n");
        t.append("|---|---:|---:|---:|---:|---:|---|\n");
        for (Row r : rows) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %d | %s |%n", r.variant(), number(r.bestHeldOutLoss()),
                    number(r.gapAtBest()), number(r.gapAtEnd()), r.bestStep() == null ? "-" : r.bestStep(), r.steps(), r.reason()));
        }
        return t.toString() + summary();
    }

    /** The best run and what the sweep spent: with pruned trials, the steps ASHA saved are the pruned runs' unspent budget. */
    String summary() {
        Row best = best().orElse(null);
        long spent = stepsSpent();
        long pruned = rows.stream().filter(r -> r.reason().equals("pruned")).count();
        long budget = rows.stream().mapToLong(Row::budget).sum();
        return String.format(Locale.ROOT, "%nBest: %s, held-out loss %s. Training steps spent: %d over %d runs%s.%n",
                best == null ? "-" : best.variant(), best == null ? "-" : number(best.bestHeldOutLoss()), spent, rows.size(),
                pruned == 0 ? "" : String.format(Locale.ROOT, " (%d pruned by ASHA; %d of the %d steps the trials could have run,"
                        + " %.0f %%: %d saved)", pruned, spent, budget, 100.0 * spent / budget, budget - spent));
    }

    /**
     * For a sweep whose runs all ran to their own end: how well each step's held-out ranks predict
     * the runs' best (Spearman's rho, {@link RankAgreement}), at every step they all evaluated; the
     * guide to where a first ASHA rung belongs on this data. Empty for pruned sweeps and small ones.
     */
    String rankAgreement() {
        if (rows.size() < 5 || rows.stream().anyMatch(r -> r.prunedAt() != null || r.bestHeldOutLoss() == null)) {
            return "";
        }
        java.util.TreeMap<Long, Double> rho = RankAgreement.of(rows.stream().map(Row::curveByStep).toList(),
                rows.stream().map(Row::bestHeldOutLoss).toList());
        if (rho.isEmpty()) {
            return "";
        }
        String each = String.join(", ", rho.entrySet().stream()
                .map(e -> String.format(Locale.ROOT, "%d: %.2f", e.getKey(), e.getValue())).toList());
        return "\nHow early the held-out ranks predict the result (Spearman's rho between the runs' held-out losses at a step"
                + " and their bests; an ASHA rung keeps the trials that rank best at its step, so a first rung belongs where rho is"
                + " high). Step: rho, " + each + ".\n";
    }

    /** The run with the lowest best held-out loss. */
    public java.util.Optional<Row> best() {
        return rows.stream().filter(r -> r.bestHeldOutLoss() != null && !r.bestHeldOutLoss().isNaN())
                .min(java.util.Comparator.comparingDouble(Row::bestHeldOutLoss));
    }

    /** Training steps the sweep's runs spent, together. */
    public long stepsSpent() {
        return rows.stream().mapToLong(Row::steps).sum();
    }

    public void write(Path markdown, String command) throws IOException {
        Path chart = chartPath(markdown);
        Files.createDirectories(markdown.toAbsolutePath().getParent());
        drawChart(chart);
        String text = "# Sweep report\n\nMade by `" + command + "`. Held-out loss is plain cross-entropy in nats per token"
                + " (never label-smoothed); the gap is held-out minus training cross-entropy.\n\n" + table() + rankAgreement()
                + "\n![held-out loss over steps](" + chart.getFileName() + ")\n\nEvery evaluation: [" + curvesPath(markdown).getFileName()
                + "](" + curvesPath(markdown).getFileName() + ").\n\nRuns: "
                + String.join(", ", rows.stream().map(r -> r.variant() + " = `" + r.runId() + "`").toList()) + "\n";
        Files.writeString(markdown, text);
        Files.writeString(curvesPath(markdown), curvesCsv());
    }

    /**
     * Every held-out evaluation of every run, one per line: {@code variant,run_id,step,held_out_loss,pruned_at}
     * (pruned_at empty unless ASHA pruned the run), for plotting or for replaying a scheduler offline.
     */
    String curvesCsv() {
        StringBuilder csv = new StringBuilder("variant,run_id,step,held_out_loss,pruned_at\n");
        for (Row r : rows) {
            String variant = "\"" + r.variant().replace("\"", "\"\"") + "\"";
            for (double[] p : r.curve()) {
                csv.append(String.format(Locale.ROOT, "%s,%s,%d,%.6f,%s%n", variant, r.runId(), (long) p[0], p[1],
                        r.prunedAt() == null ? "" : r.prunedAt()));
            }
        }
        return csv.toString();
    }

    static Path curvesPath(Path markdown) {
        String name = markdown.getFileName().toString().replaceFirst("\\.md$", "");
        return markdown.resolveSibling(name + "-curves.csv");
    }

    static Path chartPath(Path markdown) {
        String name = markdown.getFileName().toString().replaceFirst("\\.md$", "");
        return markdown.resolveSibling(name + ".png");
    }

    private void drawChart(Path png) throws IOException {
        int w = 960;
        int h = Math.max(540, 80 + 16 * rows.size());
        int left = 70;
        int right = 200;
        int top = 40;
        int bottom = 50;
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        double maxStep = 1;
        double minLoss = Double.MAX_VALUE;
        double maxLoss = -Double.MAX_VALUE;
        for (Row r : rows) {
            for (double[] p : r.curve()) {
                if (Double.isFinite(p[1])) {
                    maxStep = Math.max(maxStep, p[0]);
                    minLoss = Math.min(minLoss, p[1]);
                    maxLoss = Math.max(maxLoss, p[1]);
                }
            }
        }
        if (minLoss > maxLoss) {
            minLoss = 0;
            maxLoss = 1;
        }
        double pad = (maxLoss - minLoss) * 0.05 + 1e-6;
        minLoss -= pad;
        maxLoss += pad;
        int plotW = w - left - right;
        int plotH = h - top - bottom;
        g.setColor(new Color(0x33, 0x33, 0x33));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawRect(left, top, plotW, plotH);
        for (int i = 0; i <= 5; i++) {
            double loss = minLoss + (maxLoss - minLoss) * i / 5;
            int y = top + plotH - (int) (plotH * i / 5.0);
            g.drawString(String.format(Locale.ROOT, "%.2f", loss), 10, y + 4);
            int step = (int) (maxStep * i / 5);
            g.drawString(String.valueOf(step), left + plotW * i / 5 - 10, top + plotH + 18);
        }
        g.drawString("held-out loss (nats/token) by step; dot: best checkpoint, cross: pruned by ASHA", left, 22);
        Color[] palette = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f), new Color(0x17becf)};
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            g.setColor(palette[i % palette.length]);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (double[] p : r.curve()) {
                if (!Double.isFinite(p[1])) {
                    continue;
                }
                int x = left + (int) (plotW * p[0] / maxStep);
                int y = top + plotH - (int) (plotH * (p[1] - minLoss) / (maxLoss - minLoss));
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                if (r.bestStep() != null && (long) p[0] == r.bestStep()) {
                    g.fillOval(x - 5, y - 5, 10, 10);
                }
                if (r.prunedAt() != null && (long) p[0] == r.prunedAt()) { // pruned here: a cross
                    g.drawLine(x - 6, y - 6, x + 6, y + 6);
                    g.drawLine(x - 6, y + 6, x + 6, y - 6);
                }
                px = x;
                py = y;
            }
            g.drawString(legendName(r.variant()) + "  " + number(r.bestHeldOutLoss()) + (r.prunedAt() == null ? "" : "  x " + r.prunedAt()),
                    w - right + 12, top + 16 + (rows.size() > 26 ? 16 : 18) * i);
        }
        g.dispose();
        ImageIO.write(image, "png", png.toFile());
    }

    /** A tuning trial ("t07 path=value,...") by its id in the legend (the table names its values); other variants whole. */
    static String legendName(String variant) {
        return variant.matches("t\\d+ \\S+=.*") ? variant.substring(0, variant.indexOf(' ')) : variant;
    }

    private static String number(Double d) {
        return d == null || d.isNaN() ? "-" : String.format(Locale.ROOT, "%.4f", d);
    }
}
