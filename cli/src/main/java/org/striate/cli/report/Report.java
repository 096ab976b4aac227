package org.striate.cli.report;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.striate.data.Dataset;
import org.striate.lab.Consistency;
import org.striate.lab.Equivariance;
import org.striate.lab.Equivariance.LayerResult;
import org.striate.lab.FeatureMaps;
import org.striate.lab.FilterGrid;
import org.striate.lab.Invariance;
import org.striate.lab.MapImages;
import org.striate.lab.ModelSummary;
import org.striate.nn.Filters;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluation;
import org.striate.train.Evaluator;

/**
 * The report page of one model: summary with receptive fields, training curves, learned filters,
 * feature maps of sample images, the confusion matrix and the translation probes. Everything is drawn
 * into one HTML file with inlined pictures, readable offline.
 */
public final class Report {
    private Report() {}

    /**
     * What the page is made from: {@code metrics} and {@code test} may be null (their sections then say
     * so); the feature maps use the first {@code sampleImages} test images.
     */
    public record Inputs(String title, Graph model, MetricsTable metrics, Dataset test, int maxShift, int sampleImages, long seed) {}

    /** Writes DIR/index.html and returns its path. */
    public static Path write(Inputs in, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("index.html");
        Files.writeString(file, build(in).html(), StandardCharsets.UTF_8);
        return file;
    }

    public static HtmlPage build(Inputs in) {
        HtmlPage page = new HtmlPage(in.title());
        summary(page, in.model());
        curves(page, in.metrics());
        filters(page, in.model());
        featureMaps(page, in);
        confusion(page, in);
        probes(page, in);
        return page;
    }

    private static void summary(HtmlPage page, Graph model) {
        ModelSummary s = ModelSummary.of(model);
        page.heading(2, "Summary");
        page.paragraph("Input " + Shapes.compact(model.inputShape()) + ", " + String.format("%,d", s.totalParams()) + " parameters, "
                + String.format("%,d", s.totalMacs()) + " multiply-adds per image.");
        List<List<String>> rows = new ArrayList<>();
        for (ModelSummary.Row r : s.rows()) {
            rows.add(List.of(r.name(), r.type(), Shapes.compact(r.outputShape()), String.format("%,d", r.params()),
                    String.format("%,d", r.macs()), r.field().sizeText(), r.field().jumpText()));
        }
        page.table(List.of("layer", "type", "output", "params", "MACs", "receptive field", "jump"), rows, 2);
        page.note("Receptive field: how many input pixels (per axis) one output cell depends on; jump: input pixels between neighbouring cells.");
    }

    private static void curves(HtmlPage page, MetricsTable m) {
        page.heading(2, "Training curves");
        if (m == null || m.rows() == 0) {
            page.note("No metrics file beside the model: train it with the train command to record one line per epoch.");
            return;
        }
        page.note("From " + m.file().getFileName() + ", " + m.rows() + " epoch(s).");
        for (String word : List.of("loss", "acc")) {
            Map<String, double[]> cols = m.matching(word);
            if (cols.isEmpty()) continue;
            Charts.Series s = new Charts.Series();
            for (Map.Entry<String, double[]> e : cols.entrySet()) s.add(e.getKey(), m.epochs(), e.getValue());
            String what = word.equals("loss") ? "Loss" : "Accuracy";
            page.figure(Charts.png(Charts.lines(what + " per epoch", "epoch", what.toLowerCase(), s, false, false)), what + " per epoch", 560, false);
        }
    }

    private static void filters(HtmlPage page, Graph model) {
        page.heading(2, "Learned filters");
        boolean any = false;
        for (Layer l : model.layers()) {
            Filters f = l.filters();
            if (f == null) continue;
            any = true;
            BufferedImage img = FilterGrid.image(f);
            page.figure(png(img), l.name() + ": " + f.count() + " filters of " + f.channelsPerFilter() + "x"
                    + f.geometry().kH() + "x" + f.geometry().kW() + " (grey 0, light positive, dark negative)",
                    Math.min(720, Math.max(120, img.getWidth() * 2)), true);
        }
        if (!any) page.note("The model has no convolution layer.");
    }

    private static void featureMaps(HtmlPage page, Inputs in) {
        page.heading(2, "Feature maps");
        Graph model = in.model();
        if (model.inputShape().length != 3) {
            page.note("The model does not take images.");
            return;
        }
        Tensor images = in.test() == null ? Equivariance.randomInputs(model, in.sampleImages(), in.seed()) : in.test().head(in.sampleImages()).images();
        page.note(in.test() == null ? "Random inputs (no test data given)." : "The first test images; each map is stretched to its own range.");
        for (int n = 0; n < images.batch(); n++) {
            Tensor one = images.slice(n, n + 1);
            String label = in.test() == null ? "random input " + (n + 1) : "test image " + (n + 1) + " (" + in.test().classNames()[in.test().labels()[n]] + ")";
            page.heading(3, label);
            int[] s = model.inputShape();
            page.figure(png(MapImages.image(new MapImages.Plane(one.data, 0, s[1], s[2]), MapImages.Scale.MIN_MAX, 3)), "input", s[2] * 3, true);
            for (FeatureMaps.Activation a : FeatureMaps.run(model, FeatureMaps.prepare(model, one))) {
                if (a.shape().length != 3) continue;
                int c = Math.min(16, a.shape()[0]), h = a.shape()[1], w = a.shape()[2];
                List<MapImages.Plane> planes = new ArrayList<>();
                for (int k = 0; k < c; k++) planes.add(new MapImages.Plane(a.values(), k * h * w, h, w));
                int zoom = Math.max(1, 56 / Math.max(h, w));
                BufferedImage img = MapImages.grid(planes, Math.min(8, c), MapImages.Scale.MIN_MAX, zoom, 1);
                page.figure(png(img), a.layerName() + " (" + a.type() + ") " + c + " of " + a.shape()[0] + " maps, " + h + "x" + w,
                        Math.min(480, img.getWidth()), true);
            }
        }
    }

    private static void confusion(HtmlPage page, Inputs in) {
        page.heading(2, "Confusion matrix");
        if (in.test() == null) {
            page.note("No test data given.");
            return;
        }
        Evaluation e = Evaluator.evaluate(in.model(), in.test());
        page.paragraph(String.format("Accuracy %.4f on %d test images. Rows: true class; columns: predicted class.", e.accuracy(), e.samples()));
        int[][] m = e.confusion();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < m.length; i++) names.add(i < in.test().classNames().length ? in.test().classNames()[i] : Integer.toString(i));
        double[][] shade = new double[m.length][m.length];
        for (int r = 0; r < m.length; r++) {
            int total = Arrays.stream(m[r]).sum();
            for (int c = 0; c < m.length; c++) shade[r][c] = total == 0 ? 0 : (double) m[r][c] / total;
        }
        page.heatTable("true \\ predicted", names, names, m, shade);
    }

    private static void probes(HtmlPage page, Inputs in) {
        page.heading(2, "Translation probes");
        Graph model = in.model();
        int[] s = model.inputShape();
        if (s.length != 3 || Math.min(s[1], s[2]) <= in.maxShift()) {
            page.note("The model does not take images large enough for shifts of " + in.maxShift() + " pixels.");
            return;
        }
        Tensor x = Equivariance.randomInputs(model, 8, in.seed());
        for (Equivariance.Padding p : Equivariance.Padding.values()) {
            Equivariance.Result r = Equivariance.probe(model, x, in.maxShift(), p);
            String title = p == Equivariance.Padding.CIRCULAR ? "Equivariance with circular padding" : "Equivariance with zero padding, away from the borders";
            page.heading(3, title);
            List<String> header = new ArrayList<>(List.of("layer", "type", "jump", "field"));
            for (int t = 1; t <= r.maxShift(); t++) header.add("t=" + t);
            List<List<String>> rows = new ArrayList<>();
            Charts.Series series = new Charts.Series();
            double[] shifts = new double[r.maxShift()];
            for (int t = 0; t < shifts.length; t++) shifts[t] = t + 1;
            for (LayerResult l : r.layers()) {
                List<String> row = new ArrayList<>(List.of(l.name(), l.type(), l.spatial() ? "" + l.jumpH() : "-", l.spatial() ? "" + l.fieldH() : "all"));
                double[] floor = new double[shifts.length];
                for (int t = 0; t < shifts.length; t++) {
                    double e = l.errors()[t];
                    row.add(Double.isNaN(e) ? "n/a" : String.format("%.2e", e) + (l.spatial() && !l.comparable()[t] ? "*" : ""));
                    floor[t] = Double.isNaN(e) ? Double.NaN : Math.max(e, 1e-9);
                }
                rows.add(row);
                series.add(l.name(), shifts, floor);
            }
            page.table(header, rows, 2);
            int a = r.aliasingLayer();
            page.note("Relative error ‖f(Tx) − T f(x)‖ / ‖f(x)‖ on 8 random inputs. * shift not a multiple of the jump: distance to the nearer "
                    + "whole-cell shift. After a global layer: the invariance error ‖f(Tx) − f(x)‖ / ‖f(x)‖."
                    + (a >= 0 ? " From " + r.layers().get(a).name() + " on, only multiples of the cumulative stride stay equivariant." : ""));
            page.figure(Charts.png(Charts.lines(title, "shift (pixels)", "relative error (floored at 1e-9)", series, false, true)), title, 560, false);
        }
        if (in.test() == null) return;
        Invariance.ShiftAccuracy acc = Invariance.accuracyVsShift(model, in.test(), in.maxShift());
        double consistency = Consistency.random(model, in.test(), in.maxShift(), in.seed());
        page.heading(3, "Accuracy against shift");
        page.paragraph(String.format("Unshifted accuracy %.4f; consistency %.4f (share of test images with the same predicted class under two "
                + "random shifts in [−%d, %d]²).", acc.unshifted(), consistency, in.maxShift(), in.maxShift()));
        double[] xs = Arrays.stream(acc.shifts()).asDoubleStream().toArray();
        Charts.Series s2 = new Charts.Series().add("horizontal", xs, acc.horizontal()).add("vertical", xs, acc.vertical());
        page.figure(Charts.png(Charts.lines("Test accuracy vs shift", "shift (pixels)", "test accuracy", s2, false, false)), "Test accuracy vs shift (zero fill)", 560, false);
    }

    static byte[] png(BufferedImage img) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ImageIO.write(img, "png", out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
