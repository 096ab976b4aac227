package org.striate.cli.report;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;
import org.striate.data.TextFiles;

/**
 * The per-epoch metrics the train command writes beside a model: a CSV with a header line and one
 * row of numbers per epoch. Columns are kept by name, in order; a cell that is empty or not a number
 * reads as NaN (e.g. validation figures when there was no validation data).
 */
public record MetricsTable(Path file, Map<String, double[]> columns) {
    /** Bounds for a file from anywhere: train writes 8 columns and a line of about 60 bytes per epoch. */
    static final int MAX_COLUMNS = 64;
    static final long MAX_BYTES = 16 << 20;

    public static MetricsTable read(Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        for (String l : TextFiles.read(file, "metrics file", MAX_BYTES).split("\r?\n")) if (!l.isBlank()) lines.add(l);
        if (lines.isEmpty()) throw new StriateException("Metrics file " + file + " is empty. Expected a header line, then one line per epoch.");
        String[] header = lines.get(0).split(",", -1);
        if (header.length > MAX_COLUMNS) {
            throw new StriateException("Metrics file " + file + " has " + header.length + " columns; at most " + MAX_COLUMNS
                    + " are read. Expected the CSV 'striate train' writes (8 columns).");
        }
        int rows = lines.size() - 1;
        double[][] values = new double[header.length][rows];
        for (int r = 0; r < rows; r++) {
            String[] cells = lines.get(r + 1).split(",", -1);
            if (cells.length != header.length) {
                throw new StriateException("Metrics file " + file + " line " + (r + 2) + " has " + cells.length + " values. Expected "
                        + header.length + ", one per column of the header.");
            }
            for (int c = 0; c < header.length; c++) values[c][r] = number(cells[c]);
        }
        Map<String, double[]> columns = new LinkedHashMap<>();
        for (int c = 0; c < header.length; c++) columns.put(header[c].trim(), values[c]);
        return new MetricsTable(file, columns);
    }

    private static double number(String s) {
        try {
            return s.isBlank() ? Double.NaN : Double.parseDouble(s.trim());
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    public int rows() { return columns.isEmpty() ? 0 : columns.values().iterator().next().length; }

    /** The "epoch" column when there is one, else 1, 2, 3, ... */
    public double[] epochs() {
        double[] e = columns.get("epoch");
        if (e != null) return e;
        double[] x = new double[rows()];
        for (int i = 0; i < x.length; i++) x[i] = i + 1;
        return x;
    }

    /** Columns whose name contains {@code word} ("loss", "acc"), with at least one number. */
    public Map<String, double[]> matching(String word) {
        Map<String, double[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, double[]> e : columns.entrySet()) {
            if (!e.getKey().toLowerCase().contains(word)) continue;
            for (double v : e.getValue()) {
                if (Double.isFinite(v)) { out.put(e.getKey(), e.getValue()); break; }
            }
        }
        return out;
    }

    /**
     * The metrics file of a model: the first of MODEL.metrics.csv, MODEL-metrics.csv, MODEL.csv (with
     * and without the model's extension) and metrics.csv in the same folder that exists; null if none.
     */
    public static Path besideModel(Path model) {
        String name = model.getFileName().toString();
        int dot = name.lastIndexOf('.');
        List<String> stems = dot > 0 ? List.of(name, name.substring(0, dot)) : List.of(name);
        for (String stem : stems) {
            for (String suffix : List.of(".metrics.csv", "-metrics.csv", ".csv")) {
                Path p = model.resolveSibling(stem + suffix); // as relative as the model's path, for the messages
                if (Files.isRegularFile(p)) return p;
            }
        }
        Path p = model.resolveSibling("metrics.csv");
        return Files.isRegularFile(p) ? p : null;
    }
}
