package org.striate.lab;

import java.util.Arrays;
import java.util.BitSet;
import org.striate.StriateException;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.nn.Filters;
import org.striate.nn.Layer;
import org.striate.nn.Graph;

/**
 * A convolution written as the fully connected layer it is: y = M·x + b with M the (outSize × inSize)
 * Toeplitz-like matrix whose row for output (o, i, j) holds w[o, c, l, m] at input (c0 + c, i·s − p + l·d,
 * j·s − p + m·d) and zeros everywhere else. Two properties make it cheap, and both are counted here:
 * most entries are zero (sparse connectivity, a local receptive field) and the non-zero entries repeat
 * the same few weights (parameter sharing).
 *
 * <p>Rows are built one at a time, so even layers whose matrix would not fit in memory can be checked;
 * {@link #matrix()} materialises all of it for small layers.
 */
public final class ConvAsDense {
    private final ConvGeometry g;
    private final float[] weights;
    private final float[] bias;

    /** {@code weights} (outC, inC/groups, kH, kW) from {@code wOff}; {@code bias} (outC) from {@code bOff}, or null. */
    public ConvAsDense(ConvGeometry g, float[] weights, int wOff, float[] bias, int bOff) {
        this.g = g;
        this.weights = Arrays.copyOfRange(weights, wOff, wOff + g.weightSize());
        this.bias = bias == null ? null : Arrays.copyOfRange(bias, bOff, bOff + g.outC());
    }

    /** The dense form of layer {@code index} of a built model, which must be a Conv2d. */
    public static ConvAsDense of(Graph model, int index) {
        if (index < 0 || index >= model.layers().size()) {
            throw new StriateException("Invalid layer index " + index + ". Expected 0 to " + (model.layers().size() - 1) + ".");
        }
        Layer layer = model.layer(index);
        Filters f = layer.filters();
        if (f == null || !f.convolution()) {
            throw new StriateException("Layer " + index + " ('" + layer.name() + "') is a " + layer.type() + ". Expected a convolution; "
                    + "convolution layers of this model: " + convIndices(model) + ".");
        }
        return new ConvAsDense(f.geometry(), f.params(), f.weightOffset(), f.hasBias() ? f.params() : null, f.biasOffset());
    }

    /** The indices of the layers that are convolutions, e.g. "0, 3", or "none". */
    public static String convIndices(Graph model) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < model.layers().size(); i++) {
            Filters f = model.layer(i).filters();
            if (f != null && f.convolution()) b.append(b.length() == 0 ? "" : ", ").append(i);
        }
        return b.length() == 0 ? "none" : b.toString();
    }

    /** The first convolution layer's index, or −1. */
    public static int firstConv(Graph model) {
        for (int i = 0; i < model.layers().size(); i++) {
            Filters f = model.layer(i).filters();
            if (f != null && f.convolution()) return i;
        }
        return -1;
    }

    public ConvGeometry geometry() { return g; }
    public int rows() { return g.outSize(); }
    public int columns() { return g.inSize(); }

    /**
     * Writes row {@code r} (output index (o·outH + i)·outW + j) into {@code row} (length ≥ inSize) and,
     * in {@code tap}, which weight each entry holds (its index in the (outC, inC/groups, kH, kW) weights)
     * or −1 for a structural zero.
     */
    public void row(int r, float[] row, int[] tap) {
        int ow = g.outW(), oh = g.outH(), cg = g.inPerGroup();
        int o = r / (oh * ow), i = (r / ow) % oh, j = r % ow;
        int c0 = (o / g.outPerGroup()) * cg;
        Arrays.fill(row, 0, g.inSize(), 0f);
        Arrays.fill(tap, 0, g.inSize(), -1);
        for (int c = 0; c < cg; c++) {
            for (int l = 0; l < g.kH(); l++) {
                int y = i * g.strideH() - g.padH() + l * g.dilH();
                if (y < 0 || y >= g.inH()) continue;
                for (int m = 0; m < g.kW(); m++) {
                    int x = j * g.strideW() - g.padW() + m * g.dilW();
                    if (x < 0 || x >= g.inW()) continue;
                    int col = ((c0 + c) * g.inH() + y) * g.inW() + x, t = ((o * cg + c) * g.kH() + l) * g.kW() + m;
                    row[col] = weights[t];
                    tap[col] = t;
                }
            }
        }
    }

    /** The bias of row r: b[o], the same for every position of a channel (shared too). */
    public float rowBias(int r) { return bias == null ? 0f : bias[r / (g.outH() * g.outW())]; }

    /** The whole matrix, row-major (outSize × inSize); refuses beyond 16M entries. */
    public float[] matrix() {
        long entries = (long) rows() * columns();
        if (entries > 16_000_000) {
            throw new StriateException("The dense matrix of this layer has " + entries + " entries. Expected at most 16,000,000 to materialise it; use compare() instead.");
        }
        float[] m = new float[(int) entries];
        float[] row = new float[columns()];
        int[] tap = new int[columns()];
        for (int r = 0; r < rows(); r++) {
            row(r, row, tap);
            System.arraycopy(row, 0, m, r * columns(), columns());
        }
        return m;
    }

    /** What the comparison measured on one input, and the counts the formulas predict. */
    public record Report(ConvGeometry geometry, long entries, long nonZero, long distinctWeights, long weightCount,
                         long formulaNonZero, long formulaDistinct, double maxAbsDifference, double maxAbsOutput) {

        public double density() { return (double) nonZero / entries; }
        /** How many entries of the matrix each distinct weight fills, on average. */
        public double reuse() { return (double) nonZero / distinctWeights; }
        /** A dense layer of the same shape: every entry its own weight, one bias per output. */
        public long denseParams() { return entries + geometry.outSize(); }
        public long convParams(boolean bias) { return weightCount + (bias ? geometry.outC() : 0); }

        /** The measured counts next to the formulas, and the output comparison. */
        public String text(boolean bias) {
            ConvGeometry g = geometry;
            long aH = validPairs(g.inH(), g.outH(), g.kH(), g.strideH(), g.padH(), g.dilH());
            long aW = validPairs(g.inW(), g.outW(), g.kW(), g.strideW(), g.padW(), g.dilW());
            String n = System.lineSeparator();
            return String.format("dense matrix: %,d rows (outputs %dx%dx%d) x %,d columns (inputs %dx%dx%d) = %,d entries%n",
                            geometry.outSize(), g.outC(), g.outH(), g.outW(), geometry.inSize(), g.inC(), g.inH(), g.inW(), entries)
                    + String.format("non-zero entries: %,d (%.3f%% of all) — formula outC*(C/groups)*A_H*A_W = %d*%d*%d*%d = %,d %s%n",
                            nonZero, 100 * density(), g.outC(), g.inPerGroup(), aH, aW, formulaNonZero, nonZero == formulaNonZero ? "(match)" : "(MISMATCH)")
                    + String.format("  (A = (output, tap) pairs per axis landing inside the input; without padding A = out*k: %d*%d = %d, %d*%d = %d)%n",
                            g.outH(), g.kH(), g.outH() * g.kH(), g.outW(), g.kW(), g.outW() * g.kW())
                    + String.format("distinct weights: %,d of the layer's %,d — formula outC*(C/groups)*kH*kW less taps that only meet padding = %,d %s%n",
                            distinctWeights, weightCount, formulaDistinct, distinctWeights == formulaDistinct ? "(match)" : "(MISMATCH)")
                    + String.format("sharing: each distinct weight fills %.1f entries on average%n", reuse())
                    + String.format("dense output vs conv output: max |difference| = %s (largest |output| %.3g)%n",
                            maxAbsDifference == 0 ? "0 (bit for bit)" : String.format("%.3g", maxAbsDifference), maxAbsOutput)
                    + String.format("parameters: as a dense layer %,d (+%,d biases) = %,d; as a conv layer %,d%s = %,d (%,.0f times fewer)",
                            entries, geometry.outSize(), denseParams(), weightCount, bias ? " + " + g.outC() + " biases" : "",
                            convParams(bias), (double) denseParams() / convParams(bias)) + n;
        }

        public String json(boolean bias) {
            ConvGeometry g = geometry;
            return new JsonText().open()
                    .field("input_shape", new int[] {g.inC(), g.inH(), g.inW()}).field("output_shape", new int[] {g.outC(), g.outH(), g.outW()})
                    .field("rows", g.outSize()).field("columns", g.inSize()).field("entries", entries)
                    .field("non_zero", nonZero).field("formula_non_zero", formulaNonZero).field("density", density())
                    .field("distinct_weights", distinctWeights).field("weights", weightCount).field("formula_distinct", formulaDistinct)
                    .field("reuse", reuse()).field("max_abs_difference", maxAbsDifference).field("max_abs_output", maxAbsOutput)
                    .field("dense_params", denseParams()).field("conv_params", convParams(bias))
                    .close().toString();
        }
    }

    /**
     * Multiplies x (one sample, inSize values) by the dense matrix row by row and compares with the
     * convolution kernel's output; counts non-zero entries and distinct weights while doing it.
     */
    public Report compare(float[] x) {
        if (x.length < columns()) throw new StriateException("Input has " + x.length + " values. Expected " + columns() + ".");
        float[] conv = new float[rows()];
        Kernels.get().conv2dForward(g, 1, x, weights, 0, bias, 0, conv);
        float[] row = new float[columns()];
        int[] tap = new int[columns()];
        BitSet used = new BitSet(g.weightSize());
        long nonZero = 0;
        double maxDiff = 0, maxOut = 0;
        for (int r = 0; r < rows(); r++) {
            row(r, row, tap);
            float sum = rowBias(r);
            for (int c = 0; c < columns(); c++) {
                sum += row[c] * x[c];
                if (tap[c] >= 0) { nonZero++; used.set(tap[c]); }
            }
            maxDiff = Math.max(maxDiff, Math.abs(sum - conv[r]));
            maxOut = Math.max(maxOut, Math.abs(conv[r]));
        }
        return new Report(g, (long) rows() * columns(), nonZero, used.cardinality(), g.weightSize(),
                formulaNonZero(g), formulaDistinct(g), maxDiff, maxOut);
    }

    /**
     * Non-zero entries: outC · (C/groups) · A_H · A_W, where A is the number of (output, tap) pairs along
     * one axis whose input lies inside the image. Without padding A = out·k, so the count is
     * outC·outH·outW·(C/groups)·kH·kW: each output reads one kernel's worth of inputs.
     */
    public static long formulaNonZero(ConvGeometry g) {
        return (long) g.outC() * g.inPerGroup()
                * validPairs(g.inH(), g.outH(), g.kH(), g.strideH(), g.padH(), g.dilH())
                * validPairs(g.inW(), g.outW(), g.kW(), g.strideW(), g.padW(), g.dilW());
    }

    /** Distinct weights in the matrix: outC·(C/groups)·kH·kW, less taps that only ever land on padding. */
    public static long formulaDistinct(ConvGeometry g) {
        return (long) g.outC() * g.inPerGroup()
                * usedTaps(g.inH(), g.outH(), g.kH(), g.strideH(), g.padH(), g.dilH())
                * usedTaps(g.inW(), g.outW(), g.kW(), g.strideW(), g.padW(), g.dilW());
    }

    /**
     * Σ over taps l of the outputs i in [0, out) with 0 ≤ i·s − p + l·d < in: those are
     * i ≥ ⌈(p − l·d) / s⌉ and i < ⌈(in + p − l·d) / s⌉, one closed-form interval per tap.
     */
    static long validPairs(int in, int out, int k, int s, int p, int d) {
        long n = 0;
        for (int l = 0; l < k; l++) n += outputsReading(in, out, s, p, l * d);
        return n;
    }

    static int usedTaps(int in, int out, int k, int s, int p, int d) {
        int n = 0;
        for (int l = 0; l < k; l++) if (outputsReading(in, out, s, p, l * d) > 0) n++;
        return n;
    }

    private static int outputsReading(int in, int out, int s, int p, int shift) {
        int first = Math.max(0, ceilDiv(p - shift, s));
        int end = Math.min(out, ceilDiv(in + p - shift, s));
        return Math.max(0, end - first);
    }

    private static int ceilDiv(int a, int b) { return -Math.floorDiv(-a, b); }

    /**
     * The matrix as letters, for small layers: each distinct weight gets its own letter (a, b, c, …
     * in weight order; when there are more than 52 weights, letters restart with each filter), '.'
     * marks a structural zero. Shows at a glance the band structure (sparsity) and the repeated
     * letters (sharing).
     */
    public String pattern() {
        if (rows() > 200 || columns() > 200) {
            throw new StriateException("The pattern view shows up to 200x200 entries; this layer's matrix is " + rows() + "x" + columns() + ".");
        }
        int perFilter = g.inPerGroup() * g.kH() * g.kW();
        String letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
        StringBuilder b = new StringBuilder();
        float[] row = new float[columns()];
        int[] tap = new int[columns()];
        for (int r = 0; r < rows(); r++) {
            row(r, row, tap);
            for (int c = 0; c < columns(); c++) {
                int t = tap[c] < 0 ? -1 : g.weightSize() <= letters.length() ? tap[c] : tap[c] % perFilter;
                b.append(t < 0 ? '.' : t < letters.length() ? letters.charAt(t) : '#');
            }
            b.append('\n');
        }
        return b.toString();
    }
}
