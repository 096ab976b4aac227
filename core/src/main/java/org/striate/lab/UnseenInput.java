package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.nn.Node;
import org.striate.nn.Window;

/**
 * Input rows or columns of a windowed layer that no output cell ever reads. With width 28, kernel 3,
 * stride 2 and no padding the outputs start at columns 0, 2, …, 24 and read up to column 26: column 27
 * is dropped silently, and whatever it holds cannot affect the result.
 *
 * @param rows    unseen input rows of the layer, ascending (its own input coordinates)
 * @param columns unseen input columns, ascending
 */
public record UnseenInput(int layerIndex, String layerName, int inH, int inW, int[] rows, int[] columns) {

    /** Every windowed layer of {@code model} that leaves some input row or column unseen. */
    public static List<UnseenInput> find(Graph model) {
        List<UnseenInput> found = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layer(i);
            int[] in = layer.inputShape(), out = layer.outputShape();
            Window g = layer.window();
            if (g.kind() != Window.Kind.SLIDING || in.length != 3 || out.length != 3) continue;
            int[] rows = unseen(in[1], out[1], g.kH(), g.strideH(), g.padH(), g.dilH());
            int[] cols = unseen(in[2], out[2], g.kW(), g.strideW(), g.padW(), g.dilW());
            if (rows.length > 0 || cols.length > 0) found.add(new UnseenInput(i, layer.name(), in[1], in[2], rows, cols));
        }
        return found;
    }

    /**
     * Pixels of the model's input that reach no output at all, through every path: a row a later
     * layer drops takes with it every input row that fed only that row. Index −1, name "model input";
     * empty when every pixel counts or the input is not (C, H, W).
     */
    public static Optional<UnseenInput> modelInput(Graph model) {
        int[] input = model.inputShape();
        if (input.length != 3) return Optional.empty();
        List<Node> nodes = model.nodes();
        int n = nodes.size();
        // per node: the rows and columns of its output that some path to the model output reads (null: all)
        boolean[][] rows = new boolean[n][], cols = new boolean[n][];
        boolean[] reachedAny = new boolean[n];
        reachedAny[n - 1] = true;
        for (int i = n - 1; i >= 1; i--) {
            if (!reachedAny[i]) continue;
            Layer layer = nodes.get(i).layer();
            int[] out = layer.outputShape();
            Window g = layer.window();
            for (int k = 0; k < nodes.get(i).inputs().size(); k++) {
                Node src = nodes.get(i).inputs().get(k);
                int[] in = layer.inputShapes()[k];
                boolean spatial = in.length == 3 && out.length == 3;
                boolean[] r = null, c = null; // Flatten, Dense, global pooling, up-sampling: every input cell feeds some output
                if (spatial && g.kind() == Window.Kind.SLIDING) {
                    r = reached(in[1], out[1], rows[i], g.kH(), g.strideH(), g.padH(), g.dilH());
                    c = reached(in[2], out[2], cols[i], g.kW(), g.strideW(), g.padW(), g.dilW());
                } else if (spatial && g.kind() == Window.Kind.ELEMENTWISE && in[1] == out[1] && in[2] == out[2]) {
                    r = rows[i];
                    c = cols[i];
                }
                int s = src.index();
                rows[s] = reachedAny[s] ? union(rows[s], r) : r;
                cols[s] = reachedAny[s] ? union(cols[s], c) : c;
                reachedAny[s] = true;
            }
        }
        int[] r = unused(rows[0]), c = unused(cols[0]);
        if (r.length == 0 && c.length == 0) return Optional.empty();
        return Optional.of(new UnseenInput(-1, "model input", input[1], input[2], r, c));
    }

    private static boolean[] union(boolean[] a, boolean[] b) {
        if (a == null || b == null) return null;
        boolean[] u = a.clone();
        for (int i = 0; i < u.length; i++) u[i] |= b[i];
        return u;
    }

    /** Input indices read by the used outputs ({@code used} null: all of them). */
    private static boolean[] reached(int in, int out, boolean[] used, int k, int stride, int pad, int dil) {
        boolean[] seen = new boolean[in];
        for (int o = 0; o < out; o++) {
            if (used != null && !used[o]) continue;
            for (int l = 0; l < k; l++) {
                int at = o * stride - pad + l * dil;
                if (at >= 0 && at < in) seen[at] = true;
            }
        }
        return seen;
    }

    private static int[] unused(boolean[] seen) {
        if (seen == null) return new int[0];
        return java.util.stream.IntStream.range(0, seen.length).filter(i -> !seen[i]).toArray();
    }

    /** Indices in [0, in) that no output o in [0, out) reads at o·s − p + l·d for l in [0, k). */
    static int[] unseen(int in, int out, int k, int stride, int pad, int dil) {
        return unused(reached(in, out, null, k, stride, pad, dil));
    }

    /** One warning line, e.g. "conv2d_1: input column 27 (of 0-27) is never seen by any output; ...". */
    public String message() {
        StringBuilder b = new StringBuilder(layerName).append(": ");
        if (rows.length > 0) b.append(describe("row", rows, inH));
        if (rows.length > 0 && columns.length > 0) b.append(" and ");
        if (columns.length > 0) b.append(describe("column", columns, inW));
        b.append(rows.length + columns.length == 1 ? " is" : " are")
                .append(" never seen by any output; change the padding, stride or input size so the windows cover it.");
        return b.toString();
    }

    private static String describe(String what, int[] idx, int size) {
        return "input " + what + (idx.length == 1 ? " " : "s ") + ranges(idx) + " (of 0-" + (size - 1) + ")";
    }

    /** [0, 1, 2, 5, 7, 8] → "0-2, 5, 7-8". */
    static String ranges(int[] idx) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < idx.length; ) {
            int j = i;
            while (j + 1 < idx.length && idx[j + 1] == idx[j] + 1) j++;
            if (b.length() > 0) b.append(", ");
            b.append(idx[i]);
            if (j > i) b.append('-').append(idx[j]);
            i = j + 1;
        }
        return b.toString();
    }
}
