package org.striate.cli.lab;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.striate.cli.report.Charts;
import org.striate.cli.report.HtmlPage;
import org.striate.lab.Claims.Claim;
import org.striate.lab.Claims.Figure;
import org.striate.lab.Efficiency;
import org.striate.lab.Interval;
import org.striate.lab.InvarianceRuns;
import org.striate.lab.Verdict;

/** The claims page, through the report's {@link HtmlPage}: offline, pictures inlined, nothing fetched. */
final class ClaimsPage {
    private ClaimsPage() {}

    static Path write(ClaimsCommand.Measured m, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, build(m).html(), StandardCharsets.UTF_8);
        return file;
    }

    static HtmlPage build(ClaimsCommand.Measured m) {
        HtmlPage p = new HtmlPage("Why CNNs work: the notes' claims, measured");
        int[] count = new int[3];
        for (Claim c : m.claims()) count[c.verdict().ordinal()]++;
        p.headline(String.format(Locale.ROOT, "%d claims: %d hold, %d do not hold, %d not resolved at this budget.", m.claims().size(),
                count[Verdict.HOLDS.ordinal()], count[Verdict.DOES_NOT_HOLD.ordinal()], count[Verdict.NOT_RESOLVED.ordinal()]));
        p.paragraph(m.budget().describe());
        p.paragraph("Training: " + m.training() + ". Runs are paired: run r of every model uses the seed " + "SEED + r for its images, weights and order.");
        p.note("Every figure is a mean with its 95% t interval over the runs. A claim about a difference holds when the interval of the paired "
                + "difference lies above zero, does not hold when it lies below zero or within ±0.01 of it, and is not resolved otherwise. "
                + String.format(Locale.ROOT, "Measured in %.0f s.", m.seconds()));
        List<List<String>> summary = new ArrayList<>();
        for (Claim c : m.claims()) summary.add(List.of(c.verdict().label(), c.claim()));
        p.table(List.of("verdict", "claim"), summary, 2);
        for (Claim c : m.claims()) {
            p.heading(2, c.claim());
            p.headline("Verdict: " + c.verdict().label());
            p.paragraph("Experiment: " + c.experiment() + ". " + c.reading());
            List<List<String>> rows = new ArrayList<>();
            for (Figure f : c.figures()) rows.add(List.of(f.label(), number(f.value().mean()), range(f.value()), Integer.toString(f.value().n())));
            p.table(List.of("figure", "mean", "95% interval", "runs"), rows, 1);
            figures(p, c, m);
        }
        return p;
    }

    /** The plot that goes with a claim's experiment, drawn once per experiment. */
    private static void figures(HtmlPage p, Claim c, ClaimsCommand.Measured m) {
        switch (c.id()) {
            case "cnn-needs-fewer-images" -> p.figure(Charts.png(EfficiencyCommand.chart(Efficiency.summarise(m.efficiency()))),
                    "Test accuracy against training images (log scale), 95% intervals as error bars", 640, false);
            case "cnn-more-consistent-than-mlp" -> {
                var plain = InvarianceRuns.summarise(m.plain());
                p.figure(Charts.png(InvarianceCommand.chart(plain, 1)), "Trained without augmentation: accuracy against horizontal shift", 640, false);
                p.figure(Charts.png(InvarianceCommand.chart(InvarianceRuns.summarise(m.augmented()), 1)),
                        "Trained with shift augmentation: accuracy against horizontal shift", 640, false);
                List<List<String>> rows = new ArrayList<>();
                var aug = InvarianceRuns.summarise(m.augmented());
                for (int i = 0; i < plain.size(); i++) {
                    rows.add(List.of(plain.get(i).model(), String.format(Locale.ROOT, "%,d", plain.get(i).params()), plain.get(i).accuracy().format(4),
                            plain.get(i).consistency().format(4), aug.get(i).accuracy().format(4), aug.get(i).consistency().format(4)));
                }
                p.table(List.of("model", "params", "accuracy", "consistency", "accuracy, augmented", "consistency, augmented"), rows, 1);
            }
            case "dense-head-recovers-position" -> {
                int[] sizes = m.position().stream().mapToInt(o -> o.trainSize()).distinct().sorted().toArray();
                if (sizes.length > 1) p.figure(Charts.png(PositionCommand.chart(m.position(), sizes)), "Position task: test accuracy against training images", 640, false);
            }
            default -> { }
        }
    }

    private static String number(double v) {
        if (Double.isInfinite(v)) return v > 0 ? "never reached" : "-";
        return Math.abs(v) >= 10 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String range(Interval i) {
        if (Double.isInfinite(i.low()) && Double.isInfinite(i.high()) && i.low() < 0) return "none (one run)";
        return "[" + number(i.low()) + ", " + number(i.high()) + "]";
    }
}
