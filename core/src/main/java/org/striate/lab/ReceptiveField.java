package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.striate.nn.Layer;
import org.striate.nn.Sequential;

/**
 * The receptive field of one output cell of a layer, in input pixels, per axis (H then W):
 * <ul>
 *   <li>{@code size}: how many input pixels one output cell depends on,</li>
 *   <li>{@code jump}: the distance in input pixels between neighbouring output cells (cumulative stride),</li>
 *   <li>{@code start}: the input coordinate of the centre of the first output cell's field (pixel centres
 *       are at 0, 1, …; may be negative when padding pushes the field off the image, or x.5).</li>
 * </ul>
 * Through a layer with kernel k, stride s, padding p and dilation d, with k_eff = d·(k − 1) + 1:
 * <pre>
 * r_out = r_in + (k_eff − 1)·j_in      j_out = j_in·s      start_out = start_in + ((k_eff − 1)/2 − p)·j_in
 * </pre>
 * Element-wise layers (same H and W, no window) pass the field through; after Flatten, Dense or a
 * global pooling every output sees the whole input ({@link Kind#GLOBAL}).
 */
public record ReceptiveField(Kind kind, int sizeH, int sizeW, int jumpH, int jumpW, double startH, double startW) {

    public enum Kind {
        /** Local field: size, jump and start are meaningful. */
        LOCAL,
        /** Every output depends on the whole input (after Flatten, Dense, global pooling). */
        GLOBAL,
        /** The layer changes H and W without describing a window; the field cannot be derived. */
        UNKNOWN
    }

    /** The field of the input pixels themselves: one pixel, jump 1, first centre at 0. */
    public static ReceptiveField ofInput() { return new ReceptiveField(Kind.LOCAL, 1, 1, 1, 1, 0, 0); }

    public boolean isSquare() { return sizeH == sizeW; }

    /** The field after {@code layer}, which received a field {@code in} on an input of {@code inputHW}. */
    public ReceptiveField through(Layer layer, int[] inputHW) {
        if (kind != Kind.LOCAL) return kind == Kind.GLOBAL ? global(inputHW) : this;
        int[] in = layer.inputShape(), out = layer.outputShape();
        Optional<LayerWindow> window = LayerWindow.of(layer);
        if (window.isPresent() && in.length == 3 && out.length == 3) {
            LayerWindow w = window.get();
            return new ReceptiveField(Kind.LOCAL,
                    sizeH + (w.extentH() - 1) * jumpH, sizeW + (w.extentW() - 1) * jumpW,
                    jumpH * w.strideH(), jumpW * w.strideW(),
                    startH + ((w.extentH() - 1) / 2.0 - w.padH()) * jumpH,
                    startW + ((w.extentW() - 1) / 2.0 - w.padW()) * jumpW);
        }
        boolean spatialIn = in.length == 3, spatialOut = out.length == 3;
        if (spatialIn && spatialOut && in[1] == out[1] && in[2] == out[2]) return this; // element-wise
        if (out.length == 1 || (spatialOut && out[1] == 1 && out[2] == 1)) return global(inputHW);
        return new ReceptiveField(Kind.UNKNOWN, 0, 0, 0, 0, Double.NaN, Double.NaN);
    }

    private static ReceptiveField global(int[] inputHW) {
        return new ReceptiveField(Kind.GLOBAL, inputHW[0], inputHW[1], 0, 0, Double.NaN, Double.NaN);
    }

    /** The field after each layer of {@code model}, in order. */
    public static List<ReceptiveField> of(Sequential model) {
        int[] input = model.inputShape();
        boolean spatial = input.length == 3;
        int[] hw = spatial ? new int[] {input[1], input[2]} : new int[] {1, 1};
        ReceptiveField f = spatial ? ofInput() : global(hw);
        List<ReceptiveField> fields = new ArrayList<>();
        for (Layer layer : model.layers()) {
            f = f.through(layer, hw);
            fields.add(f);
        }
        return fields;
    }

    /** "5" for a square field, "5x7" (H x W) otherwise; "all" for global, "?" when unknown. */
    public String sizeText() {
        if (kind == Kind.UNKNOWN) return "?";
        String s = isSquare() ? Integer.toString(sizeH) : sizeH + "x" + sizeW;
        return kind == Kind.GLOBAL ? "all " + s : s;
    }

    public String jumpText() {
        if (kind != Kind.LOCAL) return "-";
        return jumpH == jumpW ? Integer.toString(jumpH) : jumpH + "x" + jumpW;
    }

    public String startText() {
        if (kind != Kind.LOCAL) return "-";
        return startH == startW ? number(startH) : number(startH) + "x" + number(startW);
    }

    static String number(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }
}
