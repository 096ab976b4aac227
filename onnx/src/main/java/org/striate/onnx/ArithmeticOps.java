package org.striate.onnx;

import java.util.Arrays;
import org.striate.nn.Add;
import org.striate.nn.ChannelAffine;
import org.striate.nn.Node;
import org.striate.onnx.ConstantFolder.Unsupported;
import org.striate.onnx.Value.Act;
import org.striate.onnx.Value.Const;
import org.striate.onnx.Value.MatMul;

/**
 * Add, Sum, Sub, Mul and Div on activations. A constant added after a MatMul or a Conv without bias
 * becomes its bias; Sub then Div by constants straight on the input become the model's
 * normalisation; any other Add, Sub, Mul or Div by a scalar or one constant per channel becomes a
 * {@link ChannelAffine}, and a chain of them (Keras's exporter writes its BatchNormalization as Sub,
 * Mul, Add) folds into one. Adding activations of the same shape is an {@link Add} layer.
 */
final class ArithmeticOps {
    /** The operators that fold into a pending {@link Value.Affine} (Cast and a Transpose to channels-last pass it on). */
    static final java.util.Set<String> FOLDING = java.util.Set.of("Add", "Sub", "Mul", "Div", "Cast", "Transpose");

    private final OnnxImporter im;

    ArithmeticOps(OnnxImporter im) { this.im = im; }

    void map(OnnxModel.Node n, Value[] in) {
        switch (n.op()) {
            case "Add", "Sum" -> add(n, in);
            case "Sub", "Div" -> { if (!normalisation(n, in)) byConstant(n, in); }
            default -> byConstant(n, in);
        }
    }

    private void add(OnnxModel.Node n, Value[] in) {
        if (in.length == 2 && (in[0] instanceof Const || in[1] instanceof Const)) {
            Value other = in[0] instanceof Const ? in[1] : in[0];
            Const c = (Const) (in[0] instanceof Const ? in[0] : in[1]);
            if (other instanceof MatMul m && c.floats() != null && c.size() == m.units()) {
                im.put(n, 0, im.dense(m, c.floats()));
                return;
            }
            if (other instanceof Value.Unbiased u && c.floats() != null && c.size() == u.filters() && c.dims().length >= 3
                    && c.dims()[c.dims().length - 3] == u.filters()) {
                u.layer().bias(true); // built, not yet bound: the graph made at the end gives it room for the bias
                im.weights(u.layer(), OpMapper.concat(u.weights(), c.floats()), null);
                im.put(n, 0, u.act());
                return;
            }
            byConstant(n, in);
            return;
        }
        if (in.length == 1) { im.put(n, 0, in[0]); return; }
        Node[] nodes = new Node[in.length];
        Act first = im.act(in[0]);
        for (int i = 0; i < in.length; i++) {
            Act a = i == 0 ? first : im.act(in[i]);
            if (!Arrays.equals(a.shape(), first.shape())) throw new Unsupported("adding tensors of different shapes (broadcasting)");
            nodes[i] = a.node();
        }
        Node y = im.add(new Add(), LayerNames.ofNode(n.name(), n.op()), nodes);
        im.put(n, 0, new Act(y, first.shape()));
    }

    /** Sub then Div by per-channel constants straight on the input: the model's input normalisation. False when this node is not that. */
    private boolean normalisation(OnnxModel.Node n, Value[] in) {
        boolean sub = n.op().equals("Sub");
        String x = n.input(0);
        boolean onInput = sub ? x.equals(im.inputName) && im.mean == null && im.std == null
                : (x.equals(im.inputName) && im.mean == null || x.equals(im.normalised)) && im.std == null;
        if (!onInput || !(in.length == 2 && in[1] instanceof Const c && c.floats() != null) || im.readers(x) != 1) return false;
        if (perChannel((Const) in[1], im.act(in[0])) == null) return false; // e.g. one value per column: refused as arithmetic
        float[] v = ((Const) in[1]).floats();
        int channels = im.input.shape()[0];
        if (v.length != 1 && v.length != channels) throw new Unsupported(n.op() + " of the input by " + v.length + " values for " + channels + " channels");
        if (sub) im.mean = v.clone();
        else {
            for (float s : v) if (!(s > 0)) throw new Unsupported("Div of the input by " + s);
            im.std = v.clone();
        }
        im.normalised = n.outputs().get(0);
        im.put(n, 0, in[0]);
        return true;
    }

    /** x op c or c op x, c a scalar or one float per channel: a new {@link ChannelAffine}, or folded into the pending one x comes from. */
    private void byConstant(OnnxModel.Node n, Value[] in) {
        String op = n.op();
        if (in.length != 2 || (in[0] instanceof Const) == (in[1] instanceof Const)) {
            throw new Unsupported(op + " of " + (in.length == 2 ? "two activations" : in.length + " inputs") + "; only " + op + " by a constant (a scalar or one value per channel) is supported");
        }
        int ci = in[0] instanceof Const ? 0 : 1;
        Const c = (Const) in[ci];
        if (c.floats() == null) throw new Unsupported(op + " of activations by an integer constant");
        if (ci == 0 && op.equals("Div")) throw new Unsupported("Div of a constant by activations; only activations divided by a constant are supported");
        Act x = im.act(in[1 - ci]);
        float[] k = perChannel(c, x);
        if (k == null) {
            throw new Unsupported(op + " of activations shaped " + shape(x.shape()) + " by a constant of shape " + Arrays.toString(c.dims())
                    + "; only a scalar or one value per channel (e.g. (1, C, 1, 1) or (C, 1, 1)) is supported");
        }
        if (op.equals("Div")) for (float v : k) if (v == 0) throw new Unsupported("Div of activations by zero");
        Value.Affine a = in[1 - ci] instanceof Value.Affine pending ? pending : start(n, x, ci);
        float[] p = a.params();
        int channels = k.length;
        for (int i = 0; i < channels; i++) {
            float kv = k[i];
            switch (op) {
                case "Add" -> p[channels + i] += kv;
                case "Sub" -> {
                    if (ci == 1) p[channels + i] -= kv;
                    else { p[i] = -p[i]; p[channels + i] = kv - p[channels + i]; }
                }
                case "Mul" -> { p[i] *= kv; p[channels + i] *= kv; }
                case "Div" -> { p[i] /= kv; p[channels + i] /= kv; }
                default -> throw new Unsupported("operator not supported");
            }
        }
        im.put(n, 0, a);
    }

    /** A new affine layer on x, starting as the identity; its weights are changed in place while more arithmetic folds in. */
    private Value.Affine start(OnnxModel.Node n, Act x, int constantInput) {
        ChannelAffine layer = new ChannelAffine();
        String name = LayerNames.ofWeight(n.input(constantInput));
        Node y = im.add(layer, name != null ? name : LayerNames.ofNode(n.name(), n.op()), x.node());
        int channels = x.shape()[0];
        float[] p = new float[2 * channels];
        Arrays.fill(p, 0, channels, 1f);
        im.weights(layer, p, null);
        return new Value.Affine(new Act(y, x.shape()), p);
    }

    private static String shape(int[] s) {
        StringBuilder b = new StringBuilder("(N");
        for (int d : s) b.append(", ").append(d);
        return b.append(')').toString();
    }

    /**
     * The constant as one value per channel of x, when ONNX broadcasting makes it so: a single value,
     * or a shape that is 1 everywhere but the channel axis, right-aligned with (N, C, ...) (so (C, 1, 1)
     * or (1, C, 1, 1) for maps, (C) or (1, C) for flat features). Null otherwise.
     */
    static float[] perChannel(Const c, Act x) {
        int[] s = x.shape();
        if (s.length == 0 || s[0] != x.node().shape()[0]) return null;
        int channels = s[0], rank = s.length + 1;
        long[] d = c.dims();
        if (d.length > rank) return null;
        if (c.size() == 1) {
            float[] k = new float[channels];
            Arrays.fill(k, c.floats()[0]);
            return k;
        }
        if (d.length < rank - 1) return null;
        for (int j = 0; j < d.length; j++) {
            int axis = rank - d.length + j;
            if (d[j] != (axis == 1 ? channels : 1)) return null;
        }
        return c.floats();
    }
}
