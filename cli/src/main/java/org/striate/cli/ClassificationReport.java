package org.striate.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Accuracy, per-class precision and recall, and the confusion matrix (rows: true class, columns:
 * predicted class) of a classifier's predictions.
 */
public final class ClassificationReport {
    private final String[] classNames;
    private final long[][] confusion;
    private final int samples;
    private final int correct;

    public ClassificationReport(int[] labels, int[] predicted, String[] classNames) {
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predicted.length + " predictions");
        }
        this.classNames = classNames.clone();
        int k = classNames.length;
        this.confusion = new long[k][k];
        int ok = 0;
        for (int i = 0; i < labels.length; i++) {
            confusion[labels[i]][predicted[i]]++;
            if (labels[i] == predicted[i]) ok++;
        }
        this.samples = labels.length;
        this.correct = ok;
    }

    public int samples() { return samples; }
    public int correct() { return correct; }
    /** correct / samples, exactly as the trainer computes test accuracy. */
    public double accuracy() { return samples == 0 ? 0 : (double) correct / samples; }
    public long[][] confusion() {
        long[][] c = new long[confusion.length][];
        for (int i = 0; i < c.length; i++) c[i] = confusion[i].clone();
        return c;
    }

    /** Of the samples predicted as class c, the fraction that are c (0 when none are predicted as c). */
    public double precision(int c) {
        long predictedC = 0;
        for (long[] row : confusion) predictedC += row[c];
        return predictedC == 0 ? 0 : (double) confusion[c][c] / predictedC;
    }

    /** Of the samples of class c, the fraction predicted as c (0 when the class has no samples). */
    public double recall(int c) {
        long actualC = 0;
        for (long v : confusion[c]) actualC += v;
        return actualC == 0 ? 0 : (double) confusion[c][c] / actualC;
    }

    public long support(int c) {
        long n = 0;
        for (long v : confusion[c]) n += v;
        return n;
    }

    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format("accuracy %.4f (%d of %d)%n%n", accuracy(), correct, samples));
        int w = 5;
        for (String n : classNames) w = Math.max(w, n.length());
        String rowFmt = "%-" + w + "s %9s %9s %9s%n";
        b.append(String.format(rowFmt, "class", "precision", "recall", "support"));
        for (int c = 0; c < classNames.length; c++) {
            b.append(String.format(rowFmt, classNames[c], String.format("%.4f", precision(c)),
                    String.format("%.4f", recall(c)), support(c)));
        }
        b.append(String.format("%nconfusion matrix (rows: true class, columns: predicted class)%n"));
        int cw = 6;
        for (long[] row : confusion) for (long v : row) cw = Math.max(cw, Long.toString(v).length() + 1);
        b.append(String.format("%-" + w + "s", ""));
        for (int c = 0; c < classNames.length; c++) b.append(String.format("%" + cw + "s", c));
        b.append(System.lineSeparator());
        for (int r = 0; r < classNames.length; r++) {
            b.append(String.format("%-" + w + "s", r + " " + abbreviate(classNames[r], w - 2 - Integer.toString(r).length() + 1)));
            for (long v : confusion[r]) b.append(String.format("%" + cw + "d", v));
            b.append(System.lineSeparator());
        }
        return b.toString();
    }

    private static String abbreviate(String s, int max) { return s.length() <= max ? s : s.substring(0, Math.max(1, max)); }

    /** accuracy, samples, correct, classes (name, precision, recall, support) and confusion. */
    public Map<String, Object> toJson() {
        Map<String, Object> o = Json.object();
        o.put("accuracy", accuracy());
        o.put("samples", samples);
        o.put("correct", correct);
        List<Object> classes = new ArrayList<>();
        for (int c = 0; c < classNames.length; c++) {
            Map<String, Object> r = Json.object();
            r.put("name", classNames[c]);
            r.put("precision", precision(c));
            r.put("recall", recall(c));
            r.put("support", support(c));
            classes.add(r);
        }
        o.put("classes", classes);
        List<Object> rows = new ArrayList<>();
        for (long[] row : confusion) rows.add(row.clone());
        o.put("confusion", rows);
        return o;
    }
}
