package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.Node;
import org.striate.nn.Window;

/**
 * The receptive field of one output cell of a node, in input pixels, per axis (H then W):
 * <ul>
 *   <li>{@code size}: how many input pixels one output cell depends on,</li>
 *   <li>{@code jump}: the distance in input pixels between neighbouring output cells (cumulative stride;
 *       after up-sampling it may be a fraction, e.g. 0.5),</li>
 *   <li>{@code start}: the input coordinate of the centre of the first output cell's field (pixel centres
 *       are at 0, 1, …; may be negative when padding pushes the field off the image, or x.5). Undefined
 *       (NaN) after up-sampling, where the field's centre does not move by the same step from cell to cell.</li>
 * </ul>
 * Through a sliding window with kernel k, stride s, padding p and dilation d, with k_eff = d·(k − 1) + 1:
 * <pre>
 * r_out = r_in + (k_eff − 1)·j_in      j_out = j_in·s      start_out = start_in + ((k_eff − 1)/2 − p)·j_in
 * </pre>
 * Through up-sampling by f where each output reads at most n input cells: r_out = ⌈r_in + (n − 1)·j_in⌉,
 * j_out = j_in / f. Element-wise layers pass the field through; after Flatten, Dense or a global pooling
 * every output sees the whole input ({@link Kind#GLOBAL}). Each layer says which of these it is
 * ({@link Layer#window()}). In a graph, a node that reads several nodes has the <em>largest</em> field
 * over all paths from the input; its jump and start are those of that path, and the start is undefined
 * when the paths' starts disagree.
 */
public record ReceptiveField(Kind kind, int sizeH, int sizeW, double jumpH, double jumpW, double startH, double startW) {

    public enum Kind {
        /** Local field: size, jump and start are meaningful. */
        LOCAL,
        /** Every output depends on the whole input (after Flatten, Dense, global pooling). */
        GLOBAL,
        /** A layer on the way does not describe its window; the field cannot be derived. */
        UNKNOWN
    }

    /** The field of the input pixels themselves: one pixel, jump 1, first centre at 0. */
    public static ReceptiveField ofInput() { return new ReceptiveField(Kind.LOCAL, 1, 1, 1, 1, 0, 0); }

    public boolean isSquare() { return sizeH == sizeW; }

    /** The field after {@code layer}, which received a field {@code in} on an input of {@code inputHW}. */
    public ReceptiveField through(Layer layer, int[] inputHW) {
        if (kind != Kind.LOCAL) return kind == Kind.GLOBAL ? global(inputHW) : this;
        int[] in = layer.inputShape(), out = layer.outputShape();
        Window w = layer.window();
        boolean spatial = in.length == 3 && out.length == 3;
        switch (w.kind()) {
            case GLOBAL:
                return global(inputHW);
            case ELEMENTWISE:
                if (spatial && in[1] == out[1] && in[2] == out[2]) return this;
                return out.length == 1 || (spatial && out[1] == 1 && out[2] == 1) ? global(inputHW) : unknown();
            case SLIDING:
                if (!spatial) return unknown();
                return new ReceptiveField(Kind.LOCAL,
                        grow(sizeH, w.extentH(), jumpH), grow(sizeW, w.extentW(), jumpW),
                        jumpH * w.strideH(), jumpW * w.strideW(),
                        startH + ((w.extentH() - 1) / 2.0 - w.padH()) * jumpH,
                        startW + ((w.extentW() - 1) / 2.0 - w.padW()) * jumpW);
            case UPSAMPLING:
                if (!spatial) return unknown();
                return new ReceptiveField(Kind.LOCAL, grow(sizeH, w.kH(), jumpH), grow(sizeW, w.kW(), jumpW),
                        jumpH / w.strideH(), jumpW / w.strideW(), Double.NaN, Double.NaN);
            default:
                return unknown();
        }
    }

    /** r + (n − 1)·j, rounded up: with a fractional jump a window of n cells covers at most that many pixels. */
    private static int grow(int size, int taps, double jump) {
        return (int) Math.ceil(size + (taps - 1) * jump - 1e-9);
    }

    /** The largest of several fields reaching one node (see the class comment). */
    static ReceptiveField merge(List<ReceptiveField> in, int[] inputHW) {
        ReceptiveField best = in.get(0);
        for (ReceptiveField f : in) {
            if (f.kind == Kind.UNKNOWN) return f;
            if (f.kind == Kind.GLOBAL) best = f;
            else if (best.kind == Kind.LOCAL && (long) f.sizeH * f.sizeW > (long) best.sizeH * best.sizeW) best = f;
        }
        if (best.kind != Kind.LOCAL) return global(inputHW);
        boolean sameStart = true;
        for (ReceptiveField f : in) {
            sameStart &= f.jumpH == best.jumpH && f.jumpW == best.jumpW
                    && Double.compare(f.startH, best.startH) == 0 && Double.compare(f.startW, best.startW) == 0;
        }
        int sizeH = 0, sizeW = 0;
        for (ReceptiveField f : in) { sizeH = Math.max(sizeH, f.sizeH); sizeW = Math.max(sizeW, f.sizeW); }
        return new ReceptiveField(Kind.LOCAL, sizeH, sizeW, best.jumpH, best.jumpW,
                sameStart ? best.startH : Double.NaN, sameStart ? best.startW : Double.NaN);
    }

    private static ReceptiveField global(int[] inputHW) {
        return new ReceptiveField(Kind.GLOBAL, inputHW[0], inputHW[1], 0, 0, Double.NaN, Double.NaN);
    }

    private static ReceptiveField unknown() { return new ReceptiveField(Kind.UNKNOWN, 0, 0, 0, 0, Double.NaN, Double.NaN); }

    /** The field after each layer of {@code model}, in order (layer i is node i + 1). */
    public static List<ReceptiveField> of(Graph model) {
        int[] input = model.inputShape();
        boolean spatial = input.length == 3;
        int[] hw = spatial ? new int[] {input[1], input[2]} : new int[] {1, 1};
        List<Node> nodes = model.nodes();
        ReceptiveField[] at = new ReceptiveField[nodes.size()];
        at[0] = spatial ? ofInput() : global(hw);
        List<ReceptiveField> fields = new ArrayList<>();
        for (int i = 1; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<ReceptiveField> in = new ArrayList<>();
            for (Node k : n.inputs()) in.add(at[k.index()]);
            at[i] = merge(in, hw).through(n.layer(), hw);
            fields.add(at[i]);
        }
        return fields;
    }

    /** Whether neighbouring cells' fields are a fixed step apart from a known first centre. */
    public boolean hasStart() { return kind == Kind.LOCAL && !Double.isNaN(startH) && !Double.isNaN(startW); }

    /** "5" for a square field, "5x7" (H x W) otherwise; "all" for global, "?" when unknown. */
    public String sizeText() {
        if (kind == Kind.UNKNOWN) return "?";
        String s = isSquare() ? Integer.toString(sizeH) : sizeH + "x" + sizeW;
        return kind == Kind.GLOBAL ? "all " + s : s;
    }

    public String jumpText() {
        if (kind != Kind.LOCAL) return "-";
        return jumpH == jumpW ? number(jumpH) : number(jumpH) + "x" + number(jumpW);
    }

    public String startText() {
        if (!hasStart()) return "-";
        return startH == startW ? number(startH) : number(startH) + "x" + number(startW);
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
