package org.striate.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.striate.data.Dataset;
import org.striate.lab.MapImages;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluation;
import org.striate.train.Evaluator;

/**
 * The top of the report, what a reader looks for first: the test accuracy (the figure {@code striate eval}
 * prints, or said plainly to be of a subset), how the model was trained, its curves and some test images
 * with what the model made of them.
 */
final class ReportTop {
    private ReportTop() {}

    /** Test images shown with their prediction, and the most mistakes shown beside them. */
    static final int SAMPLES = 16, MISTAKES = 8, MISTAKE_SEARCH = 500;

    static void headline(HtmlPage page, Report.Inputs in, Evaluation e) {
        Graph m = in.model();
        if (e != null) {
            page.headline(String.format(Locale.ROOT, "Test accuracy %.4f", e.accuracy()));
            String of = in.test().size() == in.testTotal()
                    ? String.format(Locale.ROOT, "%,d of the %,d test images of %s are classified right (test loss %.4f): the figures striate eval prints.",
                            correct(e), e.samples(), in.testSource(), e.loss())
                    : String.format(Locale.ROOT, "%,d of the first %,d of %,d test images of %s are classified right (test loss %.4f). This is a subset "
                            + "(--test-size %d), so striate eval, which uses all %,d, may print other figures.", correct(e), e.samples(), in.testTotal(),
                            in.testSource(), e.loss(), in.test().size(), in.testTotal());
            page.paragraph(of);
        } else {
            page.paragraph(in.withoutTest() == null ? "No test data given, so no test accuracy." : "No test accuracy: " + in.withoutTest() + ".");
        }
        String[] names = m.classNames();
        page.paragraph(String.format(Locale.ROOT, "Input %s, %,d parameters, %s.", Shapes.compact(m.inputShape()), m.paramCount(),
                names.length > 0 ? names.length + " classes (" + String.join(", ", names) + ")" : "outputs " + Shapes.compact(m.outputShape())));
    }

    static int correct(Evaluation e) {
        int n = 0;
        for (int i = 0; i < e.confusion().length; i++) n += e.confusion()[i][i];
        return n;
    }

    static void training(HtmlPage page, Graph model, MetricsTable metrics) {
        page.heading(2, "Training");
        List<List<String>> rows = new ArrayList<>();
        for (String line : model.training().split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) rows.add(List.of(line.substring(0, colon), line.substring(colon + 2)));
        }
        if (metrics != null && metrics.rows() > 0) {
            double[] elapsed = metrics.columns().get("elapsed_seconds");
            if (elapsed != null && Double.isFinite(elapsed[elapsed.length - 1])) {
                rows.add(List.of("time", String.format(Locale.ROOT, "%.1f s for %d epoch%s", elapsed[elapsed.length - 1], metrics.rows(), metrics.rows() == 1 ? "" : "s")));
            }
        }
        if (rows.isEmpty()) {
            page.note("The model file does not say how it was trained (it was trained before Striate recorded it, imported, or built untrained).");
        } else {
            page.table(List.of("setting", "value"), rows, 2);
        }
    }

    static void curves(HtmlPage page, MetricsTable m) {
        page.heading(2, "Training curves");
        if (m == null || m.rows() == 0) {
            page.note("No metrics file beside the model: train it with the train command to record one line per epoch.");
            return;
        }
        List<String> header = new ArrayList<>(m.columns().keySet());
        List<List<String>> rows = new ArrayList<>();
        for (int r = 0; r < m.rows(); r++) {
            List<String> row = new ArrayList<>();
            for (double[] col : m.columns().values()) row.add(cell(col[r]));
            rows.add(row);
        }
        page.table(header, rows, 0);
        if (m.rows() < 2) {
            page.note("From " + m.file().getFileName() + ": one epoch, so the figures are above and there is no curve to draw.");
            return;
        }
        page.note("From " + m.file().getFileName() + ", " + m.rows() + " epochs.");
        for (String word : List.of("loss", "acc")) {
            Map<String, double[]> cols = m.matching(word);
            if (cols.isEmpty()) continue;
            Charts.Series s = new Charts.Series();
            for (Map.Entry<String, double[]> e : cols.entrySet()) s.add(e.getKey(), m.epochs(), e.getValue());
            String what = word.equals("loss") ? "Loss" : "Accuracy";
            // 500 pixels wide, so that loss and accuracy sit side by side
            page.figure(Charts.png(Charts.lines(what + " per epoch", "epoch", what.toLowerCase(Locale.ROOT), s, false, false)), what + " per epoch", 500, false);
        }
    }

    private static String cell(double v) {
        if (!Double.isFinite(v)) return "";
        if (v == Math.rint(v) && Math.abs(v) < 1e9) return Long.toString((long) v);
        return Math.abs(v) < 0.01 ? String.format(Locale.ROOT, "%.3g", v) : String.format(Locale.ROOT, "%.4f", v);
    }

    /** The first test images, then the first mistakes among the first few hundred, each with the model's answer and the truth. */
    static void samples(HtmlPage page, Graph model, Dataset test) {
        page.heading(2, "Test images and the model's answers");
        int[] s = model.inputShape();
        if (test == null || s.length != 3 || model.outputShape().length != 1) {
            page.note(test == null ? "No test data given." : "The model does not classify images.");
            return;
        }
        Dataset head = test.head(Math.min(test.size(), MISTAKE_SEARCH));
        Tensor p = Evaluator.predict(model, head.images());
        int k = p.dim(1), zoom = Math.max(1, 84 / Math.max(s[1], s[2]));
        List<Integer> mistakes = new ArrayList<>();
        for (int i = 0; i < head.size() && mistakes.size() < MISTAKES; i++) if (top(p.data, i, k) != head.labels()[i]) mistakes.add(i);
        page.note("Caption: the predicted class and its probability, then the true class; wrong answers in red.");
        for (int i = 0; i < Math.min(SAMPLES, head.size()); i++) sample(page, head, p, k, i, zoom);
        page.heading(3, mistakes.isEmpty() ? "No mistakes among the first " + head.size() + " test images"
                : "The first " + mistakes.size() + " mistakes among the first " + head.size() + " test images");
        for (int i : mistakes) sample(page, head, p, k, i, zoom);
    }

    private static void sample(HtmlPage page, Dataset d, Tensor p, int k, int i, int zoom) {
        int[] s = d.sampleShape();
        int per = s[0] * s[1] * s[2];
        List<MapImages.Plane> planes = new ArrayList<>();
        for (int c = 0; c < s[0]; c++) planes.add(new MapImages.Plane(d.images().data, i * per + c * s[1] * s[2], s[1], s[2]));
        byte[] png = MapImages.png(MapImages.grid(planes, s[0], MapImages.Scale.MIN_MAX, 1, 1));
        int predicted = top(p.data, i, k), truth = d.labels()[i];
        page.sample(png, String.format(Locale.ROOT, "%s %.2f", name(d, predicted), p.data[i * k + predicted]), "true: " + name(d, truth),
                s[2] * s[0] * zoom, predicted != truth);
    }

    static int top(float[] probabilities, int row, int k) {
        int best = 0;
        for (int c = 1; c < k; c++) if (probabilities[row * k + c] > probabilities[row * k + best]) best = c;
        return best;
    }

    static String name(Dataset d, int c) { return c < d.classNames().length ? d.classNames()[c] : Integer.toString(c); }
}
