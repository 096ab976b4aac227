package org.striate.cli.report;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.striate.data.Dataset;
import org.striate.lab.Consistency;
import org.striate.lab.Equivariance;
import org.striate.lab.Equivariance.LayerResult;
import org.striate.lab.FilterGrid;
import org.striate.lab.Invariance;
import org.striate.lab.MapImages;
import org.striate.lab.TrainingPictures;
import org.striate.lab.ModelSummary;
import org.striate.nn.Filters;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluation;
import org.striate.train.Evaluator;

/**
 * The report page of one model: first what a reader looks for ({@link ReportTop}: test accuracy, how
 * it was trained, curves, test images with the model's answers), then the confusion matrix, summary
 * with receptive fields, learned filters, feature maps of sample images and the translation probes.
 * Everything is drawn into one HTML file with inlined pictures, readable offline.
 */
public final class Report {
    private Report() {}

    /**
     * What the page is made from: {@code metrics} and {@code test} may be null (their sections then say
     * so). {@code test} is the part of the test set evaluated: all {@code testTotal} images of
     * {@code testSource}, or its first ones; when it is null, {@code withoutTest} may say why. The feature
     * maps use its first {@code sampleImages} images, the shift probes its first {@code probeImages}.
     */
    public record Inputs(String title, Graph model, MetricsTable metrics, Dataset test, int testTotal, String testSource,
                         String withoutTest, int maxShift, int sampleImages, int probeImages, long seed) {}

    /** Writes DIR/index.html and returns its path. */
    public static Path write(Inputs in, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path file = dir.resolve("index.html");
        Files.writeString(file, build(in).html(), StandardCharsets.UTF_8);
        return file;
    }

    public static HtmlPage build(Inputs in) {
        HtmlPage page = new HtmlPage(in.title());
        // the same evaluator and batch size as 'striate eval' and the end of 'striate train', so the figures agree
        Evaluation e = in.test() == null ? null : Evaluator.evaluate(in.model(), in.test());
        ReportTop.headline(page, in, e);
        ReportTop.training(page, in.model(), in.metrics());
        ReportTop.curves(page, in.metrics());
        ReportTop.samples(page, in.model(), in.test());
        confusion(page, in, e);
        summary(page, in.model());
        filters(page, in.model());
        featureMaps(page, in);
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

    /** Filters of later layers drawn at most: their first filters, each with its first input channels. */
    static final int DEEP_FILTERS = 8, DEEP_CHANNELS = 8, FIRST_FILTERS = 64;

    private static void filters(HtmlPage page, Graph model) {
        page.heading(2, "Learned filters");
        boolean first = true;
        for (Layer l : model.layers()) {
            Filters f = l.filters();
            if (f == null) continue;
            int cg = f.geometry().inPerGroup(), outC = f.geometry().outC();
            // the first layer's filters look at pixels and can be read; later ones look at maps, and all of them at once are a wall of noise
            int nf = Math.min(outC, first ? FIRST_FILTERS : DEEP_FILTERS), nc = Math.min(cg, first ? cg : DEEP_CHANNELS);
            BufferedImage img = FilterGrid.image(f, nf, nc);
            String shown = nf == outC && nc == cg ? "" : " (drawn: the first " + nf + " filters" + (nc == cg ? "" : ", " + nc + " of their " + cg + " input channels each") + ")";
            page.figure(png(img), FilterGrid.title(l.name(), f) + shown, Math.min(420, img.getWidth() * 2), true);
            first = false;
        }
        if (first) {
            page.note("The model has no convolution layer.");
            return;
        }
        page.ramp("−max|w|", "0", "+max|w|");
        page.note("Each tile is one filter on one input channel, scaled by its own largest weight: mid grey is 0, lighter positive, darker negative. "
                + "First-layer filters of a trained network often look like edge detectors; deeper filters combine maps and are better judged by the maps below.");
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
            String label = in.test() == null ? "random input " + (n + 1) : "test image " + (n + 1) + ": " + answer(model, one, in.test(), n);
            page.heading(3, label);
            int[] s = model.inputShape();
            page.figure(png(MapImages.image(new MapImages.Plane(one.data, 0, s[1], s[2]), MapImages.Scale.MIN_MAX, 3)), "input", s[2] * 3, true);
            for (TrainingPictures.Maps m : TrainingPictures.featureMaps(model, one)) {
                BufferedImage img = m.image();
                page.figure(png(img), m.layerName() + " (" + m.type() + ") " + m.shown() + " of " + m.shape()[0] + " maps, " + m.shape()[1] + "x" + m.shape()[2],
                        Math.min(480, img.getWidth()), true);
            }
        }
    }

    /** "predicted Sneaker (0.63), true Ankle boot" */
    private static String answer(Graph model, Tensor image01, Dataset test, int n) {
        if (model.outputShape().length != 1) return ReportTop.name(test, test.labels()[n]);
        Tensor p = Evaluator.predict(model, image01);
        int k = p.dim(1), top = ReportTop.top(p.data, 0, k);
        return String.format(java.util.Locale.ROOT, "predicted %s (%.2f), true %s", ReportTop.name(test, top), p.data[top], ReportTop.name(test, test.labels()[n]));
    }

    private static void confusion(HtmlPage page, Inputs in, Evaluation e) {
        page.heading(2, "Confusion matrix");
        if (e == null) {
            page.note("No test data given.");
            return;
        }
        page.paragraph(String.format("Accuracy %.4f on %,d test images. Rows: true class; columns: predicted class.", e.accuracy(), e.samples()));
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
            Equivariance.Result r;
            try {
                r = Equivariance.probe(model, x, in.maxShift(), p);
            } catch (org.striate.StriateException e) {
                // e.g. a layer of the user's own that does not say its window: the rest of the page still stands
                page.note("The probes do not apply to this model. " + e.getMessage());
                return;
            }
            String title = p == Equivariance.Padding.CIRCULAR ? "Equivariance with circular padding" : "Equivariance with zero padding, away from the borders";
            page.heading(3, title);
            List<String> header = new ArrayList<>(List.of("layer", "type", "jump", "field"));
            for (int t = 1; t <= r.maxShift(); t++) header.add("t=" + t);
            List<List<String>> rows = new ArrayList<>();
            Charts.Series series = new Charts.Series();
            double[] shifts = new double[r.maxShift()];
            for (int t = 0; t < shifts.length; t++) shifts[t] = t + 1;
            for (LayerResult l : r.layers()) {
                List<String> row = new ArrayList<>(List.of(l.name(), l.type(), l.spatial() ? l.jumpText() : "-", l.spatial() ? "" + l.fieldH() : "all"));
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
            page.note("Relative error ‖f(Tx) − T f(x)‖ / ‖f(x)‖ on 8 random inputs. * shift not comparable (not a multiple of the largest jump "
                    + "on the way): distance to the nearer whole-cell shift. After a global layer: the invariance error ‖f(Tx) − f(x)‖ / ‖f(x)‖."
                    + (a >= 0 ? " From " + r.layers().get(a).name() + " on, only multiples of the cumulative stride stay equivariant." : ""));
            page.figure(Charts.png(Charts.lines(title, "shift (pixels)", "relative error (floored at 1e-9)", series, false, true)), title, 560, false);
        }
        if (in.test() == null) return;
        Dataset probe = in.test().head(Math.min(in.probeImages(), in.test().size()));
        Invariance.ShiftAccuracy acc = Invariance.accuracyVsShift(model, probe, in.maxShift());
        double consistency = Consistency.random(model, probe, in.maxShift(), in.seed());
        page.heading(3, "Accuracy against shift");
        page.paragraph(String.format("On the first %,d test images (--probe-images): unshifted accuracy %.4f; consistency %.4f (share of them with the "
                + "same predicted class under two random shifts in [−%d, %d]²).", probe.size(), acc.unshifted(), consistency, in.maxShift(), in.maxShift()));
        double[] xs = Arrays.stream(acc.shifts()).asDoubleStream().toArray();
        Charts.Series s2 = new Charts.Series().add("horizontal", xs, acc.horizontal()).add("vertical", xs, acc.vertical());
        page.figure(Charts.png(Charts.lines("Test accuracy vs shift", "shift (pixels)", "test accuracy", s2, false, false)), "Test accuracy vs shift (zero fill)", 560, false);
    }

    static byte[] png(BufferedImage img) { return MapImages.png(img); }
}
