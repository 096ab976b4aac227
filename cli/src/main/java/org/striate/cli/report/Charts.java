package org.striate.cli.report;

import java.awt.Color;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts rendered to PNG with XChart, for the report page and the lab commands' plot files. */
public final class Charts {
    private Charts() {}

    /**
     * An ordered set of named (x, y) series, each optionally with an error bar per point (the half-width
     * of a 95% interval); NaN y values are left out of their series, and an infinite error bar (one run,
     * no interval) is drawn as none.
     */
    public static final class Series {
        final Map<String, double[][]> lines = new LinkedHashMap<>();

        public Series add(String name, double[] x, double[] y) { return add(name, x, y, null); }

        public Series add(String name, double[] x, double[] y, double[] errors) {
            int n = 0;
            for (double v : y) if (Double.isFinite(v)) n++;
            double[] xs = new double[n], ys = new double[n], es = new double[n];
            for (int i = 0, j = 0; i < y.length; i++) {
                if (!Double.isFinite(y[i])) continue;
                xs[j] = x[i];
                es[j] = errors == null || !Double.isFinite(errors[i]) ? 0 : errors[i];
                ys[j++] = y[i];
            }
            if (n > 0) lines.put(name, errors == null ? new double[][] {xs, ys} : new double[][] {xs, ys, es});
            return this;
        }

        public boolean isEmpty() { return lines.isEmpty(); }
    }

    /** Series that still fit in one legend row under a 640-pixel chart; more get a column to its right. */
    static final int LEGEND_ROW = 4;
    /** Characters of series names that still fit in that row. */
    static final int LEGEND_CHARACTERS = 70;

    /** A line chart with markers; {@code logX} and {@code logY} switch the axes to log scale. */
    public static XYChart lines(String title, String xTitle, String yTitle, Series series, boolean logX, boolean logY) {
        int names = series.lines.keySet().stream().mapToInt(String::length).sum();
        boolean column = series.lines.size() > LEGEND_ROW || names > LEGEND_CHARACTERS;
        // a row of many names under the plot is cut off at the chart's edges; a column beside it grows downwards instead
        XYChart c = new XYChartBuilder().width(column ? 760 : 640).height(column ? Math.max(400, 60 + 22 * series.lines.size()) : 400)
                .title(title).xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        Styler s = c.getStyler();
        s.setChartBackgroundColor(Color.WHITE);
        s.setLegendPosition(column ? Styler.LegendPosition.OutsideE : Styler.LegendPosition.OutsideS);
        s.setLegendLayout(column ? Styler.LegendLayout.Vertical : Styler.LegendLayout.Horizontal);
        if (!logY) c.getStyler().setYAxisDecimalPattern("#,##0.###");
        c.getStyler().setErrorBarsColorSeriesColor(true);
        c.getStyler().setXAxisLogarithmic(logX);
        c.getStyler().setYAxisLogarithmic(logY);
        for (Map.Entry<String, double[][]> e : series.lines.entrySet()) {
            double[][] v = e.getValue();
            (v.length > 2 ? c.addSeries(e.getKey(), v[0], v[1], v[2]) : c.addSeries(e.getKey(), v[0], v[1])).setMarker(SeriesMarkers.CIRCLE);
        }
        return c;
    }

    public static byte[] png(XYChart chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the chart as a PNG file and returns its path. */
    public static Path save(XYChart chart, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.write(file, png(chart));
        return file;
    }
}
