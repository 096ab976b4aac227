package org.striate.onnx;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.striate.onnx.ConstantFolder.Unsupported;
import org.striate.onnx.OnnxModel.Attribute;
import org.striate.onnx.Value.Act;
import org.striate.onnx.Value.ChannelsLast;
import org.striate.onnx.Value.Const;

/**
 * Keras's channels-last graphs. Its exporter keeps tensors (N, H, W, C), transposes them to
 * (N, C, H, W) before each Conv and pooling and back after it; Striate's layers are channels-first.
 * The layout is tracked, not computed: a Transpose to channels-last makes a {@link ChannelsLast} view
 * of channels-first values and a Transpose back gives them back, so each pair cancels and adds no
 * layer. Element-wise operators and arithmetic by constants on a view run on the channels-first
 * values, with the constants transposed to match ((1, 1, 1, C) becomes (1, C, 1, 1)); a ReduceMean
 * over H and W is global average pooling; Concat along the channels stays a view; a Flatten or
 * Reshape to (N, H·W·C) stays a flat view whose features the next MatMul or Gemm takes in Striate's
 * order, its weight rows permuted. A graph input (N, H, W, C) transposed so becomes a channels-first
 * input C×H×W. Anything else reading a view is refused, naming the node.
 */
final class LayoutOps {
    static final int[] TO_FIRST = {0, 3, 1, 2}, TO_LAST = {0, 2, 3, 1};
    /** Operators that act on each value alone or with constants, which may run on either layout. */
    private static final Set<String> ELEMENTWISE = Set.of("Cast", "Identity", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Dropout", "Add", "Sum", "Sub", "Mul", "Div");

    private final OnnxImporter im;
    private final OpMapper ops;

    LayoutOps(OnnxImporter im, OpMapper ops) {
        this.im = im;
        this.ops = ops;
    }

    /**
     * Whether the 4-D graph input is channels-last: element-wise operators alone read it (Keras writes
     * Casts) until a Transpose to (N, C, H, W).
     */
    static boolean channelsLastInput(OnnxModel.Graph g, String input, long[] dims) {
        if (dims.length != 4) return false;
        Set<String> reached = new HashSet<>(Set.of(input));
        boolean transposed = false;
        for (OnnxModel.Node n : g.nodes()) {
            if (n.inputs().stream().noneMatch(reached::contains) || n.op().equals("Shape")) continue;
            if (n.op().equals("Transpose") && Arrays.equals(perm(n), TO_FIRST)) transposed = true;
            else if (n.domain().isEmpty() && ELEMENTWISE.contains(n.op())) reached.addAll(n.outputs());
            else return false;
        }
        return transposed;
    }

    static boolean involved(Value[] in) {
        for (Value v : in) if (v instanceof ChannelsLast) return true;
        return false;
    }

    /** The dimensions ONNX gives the view: (N, H, W, C), or (N, H·W·C) when flat. */
    static long[] onnxDims(ChannelsLast c) {
        int[] s = c.chw();
        return c.flat() ? new long[] {Value.BATCH, (long) s[0] * s[1] * s[2]} : new long[] {Value.BATCH, s[1], s[2], s[0]};
    }

    /** A node with some input a {@link ChannelsLast} view. */
    void map(OnnxModel.Node n, Value[] in) {
        switch (n.op()) {
            case "Transpose" -> transpose(n, in);
            case "Flatten", "Reshape" -> flatten(n, in);
            case "ReduceMean" -> reduceMean(n, in);
            case "Concat" -> concat(n, in);
            case "MatMul", "Gemm" -> matMul(n, in);
            default -> {
                if (!ELEMENTWISE.contains(n.op())) throw refused(n, in[0]);
                ChannelsLast view = view(n, in);
                Value[] t = new Value[in.length];
                for (int i = 0; i < in.length; i++) t[i] = in[i] instanceof Const k ? toFirst(k, view) : in[i] instanceof ChannelsLast c ? c.inner() : in[i];
                ops.map(n, t);
                im.put(n, 0, view.with(im.value(n.outputs().get(0))));
            }
        }
    }

    /** A Transpose of activations: to channels-last makes a view, back to channels-first ends it; any other is refused. */
    void transpose(OnnxModel.Node n, Value[] in) {
        int[] perm = perm(n);
        if (in[0] instanceof ChannelsLast c && !c.flat() && Arrays.equals(perm, TO_FIRST)) {
            im.put(n, 0, c.inner());
            return;
        }
        if (!(in[0] instanceof ChannelsLast)) {
            Value v = in[0] instanceof Value.Unbiased || in[0] instanceof Value.Affine ? in[0] : im.act(in[0]); // still pending through the Transpose
            Act a = v instanceof Value.Unbiased u ? u.act() : v instanceof Value.Affine f ? f.act() : (Act) v;
            if (Arrays.equals(perm, TO_LAST) && a.shape().length == 3 && Arrays.equals(a.shape(), a.node().shape())) {
                im.put(n, 0, new ChannelsLast(v, a.shape(), false));
                return;
            }
            throw new Unsupported("a Transpose with perm " + Arrays.toString(perm) + " of activations shaped " + dims(a.shape())
                    + "; only (N, C, H, W) to channels-last (N, H, W, C), perm [0, 2, 3, 1], and back are supported");
        }
        throw refused(n, in[0]);
    }

    private void flatten(OnnxModel.Node n, Value[] in) {
        ChannelsLast c = view(n, in);
        if (c.flat() || n.op().equals("Reshape") && !(in.length > 1 && in[1] instanceof Const t && t.size() == 2)) throw refused(n, c);
        ops.map(n, new Value[] {c.inner(), in.length > 1 ? in[1] : null});
        Value out = im.value(n.outputs().get(0));
        int[] s = c.chw();
        boolean sameOrder = s[0] == 1 || s[1] * s[2] == 1;
        im.put(n, 0, sameOrder ? out : new ChannelsLast(out, s, true));
    }

    /** The mean over H and W of a view (Keras's GlobalAveragePooling2D writes ReduceMean over axes 1 and 2). */
    private void reduceMean(OnnxModel.Node n, Value[] in) {
        ChannelsLast c = view(n, in);
        if (c.flat()) throw refused(n, c);
        long[] axes = in.length > 1 && in[1] instanceof Const k && k.longs() != null ? k.longs() : n.intsAttr("axes");
        if (axes == null) throw refused(n, c);
        long[] first = Arrays.stream(axes).map(a -> TO_LAST[(int) Math.floorMod(a, 4)]).toArray();
        OnnxModel.Node m = withInts(n, "axes", first);
        ops.map(m, new Value[] {c.inner(), in.length > 1 ? new Const(new long[] {first.length}, null, first) : null});
        Value out = im.value(n.outputs().get(0));
        im.put(n, 0, n.intAttr("keepdims", 1) != 0 ? new ChannelsLast(out, ((Act) out).shape(), false) : out);
    }

    /** Concat of views along their channels (Keras's Concatenate, axis −1). */
    private void concat(OnnxModel.Node n, Value[] in) {
        ChannelsLast c = view(n, in);
        long axis = n.intAttr("axis", 1);
        if (c.flat() || Math.floorMod(axis, 4) != 3) throw refused(n, c);
        Value[] t = new Value[in.length];
        for (int i = 0; i < in.length; i++) {
            if (!(in[i] instanceof ChannelsLast v)) throw new Unsupported("Concat of a channels-last tensor and a constant");
            t[i] = v.inner();
        }
        ops.map(withInts(n, "axis", new long[] {1}), t);
        Act out = (Act) im.value(n.outputs().get(0));
        im.put(n, 0, new ChannelsLast(out, out.shape(), false));
    }

    /** A dense layer on a flat view: its weights take the features in Striate's (C, H, W) order. */
    private void matMul(OnnxModel.Node n, Value[] in) {
        if (!(in[0] instanceof ChannelsLast c && c.flat() && in.length > 1 && in[1] instanceof Const w && w.dims().length == 2)) throw refused(n, in[0]);
        boolean transB = n.op().equals("Gemm") && n.intAttr("transB", 0) != 0;
        long f = (long) c.chw()[0] * c.chw()[1] * c.chw()[2];
        if (w.dims()[transB ? 1 : 0] != f) throw refused(n, c);
        Value[] t = in.clone();
        t[0] = c.inner();
        t[1] = featuresToFirst(w, transB ? 1 : 0, c.chw());
        ops.map(n, t);
    }

    /** The one view among the inputs (all views alike), refusing views mixed with channels-first activations. */
    private static ChannelsLast view(OnnxModel.Node n, Value[] in) {
        ChannelsLast view = null;
        for (Value v : in) {
            if (v instanceof ChannelsLast c) {
                if (view != null && (c.flat() != view.flat() || !Arrays.equals(c.chw(), view.chw()) && !n.op().equals("Concat"))) {
                    throw new Unsupported(n.op() + " of channels-last tensors of different shapes");
                }
                if (view == null) view = c;
            } else if (v != null && !(v instanceof Const)) {
                throw new Unsupported(n.op() + " of a channels-last (N, H, W, C) tensor and a channels-first one");
            }
        }
        return view;
    }

    /** A constant broadcast against the view, as it broadcasts against the channels-first values. */
    private static Const toFirst(Const k, ChannelsLast view) {
        long[] d = k.dims();
        if (k.size() == 1) return k;
        if (view.flat()) return d.length > 0 && d[d.length - 1] != 1 ? featuresToFirst(k, d.length - 1, view.chw()) : k;
        if (d.length > 4) throw new Unsupported("a constant of rank " + d.length + " with a channels-last tensor");
        long[] four = new long[4];
        Arrays.fill(four, 1);
        System.arraycopy(d, 0, four, 4 - d.length, d.length);
        return ConstantFolder.permute(new Const(four, k.floats(), k.longs()), TO_FIRST);
    }

    /** k with the features along {@code axis} (H·W·C of them, in H, W, C order) put in C, H, W order. */
    private static Const featuresToFirst(Const k, int axis, int[] chw) {
        long[] d = k.dims();
        if (d[axis] != (long) chw[0] * chw[1] * chw[2]) throw new Unsupported("a constant of shape " + Arrays.toString(d) + " with " + d[axis] + " features for " + dims(chw));
        long[] split = new long[d.length + 2];
        int[] perm = new int[d.length + 2];
        for (int i = 0, j = 0; i < d.length; i++) {
            if (i == axis) {
                split[j] = chw[1]; split[j + 1] = chw[2]; split[j + 2] = chw[0];
                perm[j] = j + 2; perm[j + 1] = j; perm[j + 2] = j + 1;
                j += 3;
            } else {
                split[j] = d[i];
                perm[j] = j;
                j++;
            }
        }
        Const p = ConstantFolder.permute(new Const(split, k.floats(), k.longs()), perm);
        return new Const(d, p.floats(), p.longs());
    }

    private static Unsupported refused(OnnxModel.Node n, Value v) {
        String what = v instanceof ChannelsLast c ? (c.flat() ? "a channels-last tensor flattened in H, W, C order (N, " + onnxDims(c)[1] + ")"
                : "a channels-last tensor " + dims(new int[] {c.chw()[1], c.chw()[2], c.chw()[0]}) + " (N, H, W, C)") : "activations";
        return new Unsupported(n.op() + " of " + what + "; supported on channels-last tensors: a Transpose back to (N, C, H, W), element-wise operators, "
                + "arithmetic by constants, ReduceMean over H and W, Concat of channels, and a Flatten followed by MatMul or Gemm");
    }

    private static int[] perm(OnnxModel.Node n) {
        long[] p = n.intsAttr("perm");
        return p == null ? null : Arrays.stream(p).mapToInt(v -> (int) v).toArray();
    }

    private static OnnxModel.Node withInts(OnnxModel.Node n, String key, long[] values) {
        Map<String, Attribute> a = new HashMap<>(n.attributes());
        if (a.containsKey(key)) {
            a.put(key, values.length == 1 && key.equals("axis") ? new Attribute(key, 2, 0, values[0], null, null, null, null)
                    : new Attribute(key, 7, 0, 0, null, null, null, values));
        }
        return new OnnxModel.Node(n.op(), n.name(), n.domain(), n.inputs(), n.outputs(), a);
    }

    private static String dims(int[] s) {
        StringBuilder b = new StringBuilder("(N");
        for (int d : s) b.append(", ").append(d);
        return b.append(')').toString();
    }
}
