package org.striate.cli;

import org.striate.io.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    /** From a confusion matrix, {@code confusion[true][predicted]}; missing class names become indices. */
    public ClassificationReport(int[][] confusion, String[] classNames) {
        int k = confusion.length;
        this.classNames = new String[k];
        for (int c = 0; c < k; c++) this.classNames[c] = c < classNames.length ? classNames[c] : Integer.toString(c);
        this.confusion = new long[k][k];
        long n = 0, ok = 0;
        for (int t = 0; t < k; t++) {
            for (int p = 0; p < k; p++) {
                this.confusion[t][p] = confusion[t][p];
                n += confusion[t][p];
            }
            ok += confusion[t][t];
        }
        this.samples = (int) n;
        this.correct = (int) ok;
    }

    /** From true and predicted class indices. */
    public static ClassificationReport of(int[] labels, int[] predicted, String[] classNames) {
        if (labels.length != predicted.length) {
            throw new IllegalArgumentException(labels.length + " labels but " + predicted.length + " predictions");
        }
        int[][] confusion = new int[classNames.length][classNames.length];
        for (int i = 0; i < labels.length; i++) confusion[labels[i]][predicted[i]]++;
        return new ClassificationReport(confusion, classNames);
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

    /** The accuracy line, a table of classes (index, name, precision, recall, support) and the confusion matrix. */
    public String text() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "accuracy %.4f (%d of %d)%n%n", accuracy(), correct, samples));
        int w = 5;
        for (String n : classNames) w = Math.max(w, n.length());
        String rowFmt = "%3s %-" + w + "s %9s %9s %9s%n";
        b.append(String.format(Locale.ROOT, rowFmt, "", "class", "precision", "recall", "support"));
        for (int c = 0; c < classNames.length; c++) {
            b.append(String.format(Locale.ROOT, rowFmt, c, classNames[c], String.format(Locale.ROOT, "%.4f", precision(c)),
                    String.format(Locale.ROOT, "%.4f", recall(c)), support(c)));
        }
        b.append(String.format("%nconfusion matrix (rows: true class, columns: predicted class, by index)%n"));
        int cw = 6;
        for (long[] row : confusion) for (long v : row) cw = Math.max(cw, Long.toString(v).length() + 1);
        b.append("   ");
        for (int c = 0; c < classNames.length; c++) b.append(String.format("%" + cw + "d", c));
        b.append(System.lineSeparator());
        for (int r = 0; r < classNames.length; r++) {
            b.append(String.format("%3d", r));
            for (long v : confusion[r]) b.append(String.format("%" + cw + "d", v));
            b.append(System.lineSeparator());
        }
        return b.toString();
    }

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
