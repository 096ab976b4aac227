package org.striate.onnx;

import java.util.Arrays;
import java.util.List;
import org.striate.onnx.OnnxModel.Attribute;
import org.striate.onnx.OnnxModel.Node;
import org.striate.onnx.Value.Act;
import org.striate.onnx.Value.Const;

/**
 * Evaluates at import time the nodes whose inputs are all known: the Shape → Gather → Unsqueeze →
 * Concat chain that {@code x.view(x.size(0), -1)} exports to, transposes of weights, casts and small
 * integer arithmetic. Shapes of activations come from the static input shape; the batch size is kept
 * as the marker {@link Value#BATCH}.
 */
final class ConstantFolder {
    private ConstantFolder() {}

    static final List<String> OPS = List.of("Constant", "Shape", "Gather", "Unsqueeze", "Squeeze", "Concat", "Cast", "Slice",
            "Transpose", "Reshape", "Identity", "Add", "Sub", "Mul", "Div");

    /** Whether {@code n} can be folded given its inputs (Shape also takes activations). */
    static boolean folds(Node n, Value[] in) {
        if (!OPS.contains(n.op())) return false;
        if (n.op().equals("Shape")) return in.length == 1 && (in[0] instanceof Const || in[0] instanceof Act || in[0] instanceof Value.ChannelsLast);
        for (Value v : in) if (v != null && !(v instanceof Const)) return false;
        return true;
    }

    /** The folded output; {@code in[i]} is null for an omitted optional input. */
    static Const fold(Node n, Value[] in, long opset) {
        return switch (n.op()) {
            case "Constant" -> constant(n);
            case "Shape" -> shape(n, in[0]);
            case "Gather" -> gather(n, c(in, 0), c(in, 1));
            case "Unsqueeze", "Squeeze" -> squeeze(n, c(in, 0), axes(n, in, opset >= 13));
            case "Concat" -> concat(in);
            case "Cast" -> cast(n, c(in, 0));
            case "Slice" -> slice(n, in, opset);
            case "Transpose" -> transpose(n, c(in, 0));
            case "Reshape" -> new Const(reshapeDims(c(in, 0), c(in, 1)), c(in, 0).floats(), c(in, 0).longs());
            case "Identity" -> c(in, 0);
            default -> arithmetic(n, c(in, 0), c(in, 1));
        };
    }

    private static Const c(Value[] in, int i) {
        if (i >= in.length || in[i] == null) throw new Unsupported("input " + (i + 1) + " is missing");
        return (Const) in[i];
    }

    static Const constant(Node n) {
        for (Attribute a : n.attributes().values()) {
            switch (a.name()) {
                case "value" -> { return fromTensor(a.t(), "value"); }
                case "value_float" -> { return new Const(new long[0], new float[] {a.f()}, null); }
                case "value_floats" -> { return new Const(new long[] {a.floats().length}, a.floats(), null); }
                case "value_int" -> { return new Const(new long[0], null, new long[] {a.i()}); }
                case "value_ints" -> { return new Const(new long[] {a.ints().length}, null, a.ints()); }
                default -> { }
            }
        }
        throw new Unsupported("a Constant without a float or int value");
    }

    static Const fromTensor(OnnxModel.Tensor t, String what) {
        if (t == null) throw new Unsupported(what + " is not a tensor");
        if (t.floats() == null && t.longs() == null) {
            throw new Unsupported("tensor '" + t.name() + "' has data type " + t.dataType() + "; only float32, int64 and int32 are read");
        }
        return new Const(t.dims(), t.floats(), t.longs());
    }

    private static Const shape(Node n, Value v) {
        long[] dims;
        if (v instanceof Act a) {
            dims = new long[a.shape().length + 1];
            dims[0] = Value.BATCH;
            for (int i = 0; i < a.shape().length; i++) dims[i + 1] = a.shape()[i];
        } else if (v instanceof Value.ChannelsLast c) {
            dims = LayoutOps.onnxDims(c);
        } else {
            dims = ((Const) v).dims().clone();
        }
        int r = dims.length;
        int start = (int) clampAxis(n.intAttr("start", 0), r), end = (int) clampAxis(n.intAttr("end", r), r);
        long[] out = Arrays.copyOfRange(dims, start, Math.max(start, end));
        return new Const(new long[] {out.length}, null, out);
    }

    private static long clampAxis(long a, int r) { return Math.max(0, Math.min(r, a < 0 ? a + r : a)); }

    private static Const gather(Node n, Const data, Const idx) {
        if (data.dims().length != 1 || n.intAttr("axis", 0) != 0 || idx.longs() == null) {
            throw new Unsupported("only a Gather of positions from a 1-D constant (a shape) is supported");
        }
        int size = data.size();
        long[] i = idx.longs();
        long[] pick = new long[i.length];
        float[] pickF = new float[i.length];
        for (int k = 0; k < i.length; k++) {
            long j = i[k] < 0 ? i[k] + size : i[k];
            if (j < 0 || j >= size) throw new Unsupported("index " + i[k] + " outside a tensor of " + size);
            if (data.longs() != null) pick[k] = data.longs()[(int) j];
            else pickF[k] = data.floats()[(int) j];
        }
        return new Const(idx.dims().clone(), data.longs() == null ? pickF : null, data.longs() != null ? pick : null);
    }

    private static long[] axes(Node n, Value[] in, boolean asInput) {
        if (asInput) return in.length > 1 && in[1] != null ? longs(c(in, 1), "axes") : null;
        return n.intsAttr("axes");
    }

    private static Const squeeze(Node n, Const x, long[] axes) {
        long[] d = x.dims();
        if (n.op().equals("Unsqueeze")) {
            if (axes == null) throw new Unsupported("Unsqueeze without axes");
            int r = d.length + axes.length;
            boolean[] inserted = new boolean[r];
            for (long a : axes) {
                long k = a < 0 ? a + r : a;
                if (k < 0 || k >= r || inserted[(int) k]) throw new Unsupported("axes " + Arrays.toString(axes) + " for rank " + r);
                inserted[(int) k] = true;
            }
            long[] out = new long[r];
            for (int i = 0, j = 0; i < r; i++) out[i] = inserted[i] ? 1 : d[j++];
            return new Const(out, x.floats(), x.longs());
        }
        long[] out = Arrays.stream(d).filter(v -> v != 1).toArray();
        if (axes != null && out.length != d.length - axes.length) throw new Unsupported("Squeeze of axes that are not all of size 1");
        return new Const(out, x.floats(), x.longs());
    }

    private static Const concat(Value[] in) {
        int total = 0;
        boolean ints = true;
        for (Value v : in) {
            Const k = (Const) v;
            if (k.dims().length > 1) throw new Unsupported("only 1-D constants are concatenated at import");
            total += k.size();
            ints &= k.longs() != null;
        }
        long[] l = new long[total];
        float[] f = new float[total];
        int at = 0;
        for (Value v : in) {
            Const k = (Const) v;
            for (int i = 0; i < k.size(); i++, at++) {
                if (ints) l[at] = k.longs()[i];
                else f[at] = k.floats() != null ? k.floats()[i] : k.longs()[i];
            }
        }
        return new Const(new long[] {total}, ints ? null : f, ints ? l : null);
    }

    private static Const cast(Node n, Const x) {
        long to = n.intAttr("to", 0);
        if (to == OnnxModel.FLOAT || to == OnnxModel.DOUBLE) {
            if (x.floats() != null) return x;
            float[] f = new float[x.size()];
            for (int i = 0; i < f.length; i++) {
                if (x.longs()[i] == Value.BATCH) throw new Unsupported("the batch size cast to a float");
                f[i] = x.longs()[i];
            }
            return new Const(x.dims(), f, null);
        }
        if (to == OnnxModel.INT64 || to == OnnxModel.INT32) {
            if (x.longs() != null) return x;
            long[] l = new long[x.size()];
            for (int i = 0; i < l.length; i++) l[i] = (long) x.floats()[i];
            return new Const(x.dims(), null, l);
        }
        throw new Unsupported("Cast to data type " + to);
    }

    private static Const slice(Node n, Value[] in, long opset) {
        Const x = c(in, 0);
        if (x.dims().length != 1) throw new Unsupported("only 1-D constants are sliced at import");
        long[] starts = opset >= 10 ? longs(c(in, 1), "starts") : n.intsAttr("starts");
        long[] ends = opset >= 10 ? longs(c(in, 2), "ends") : n.intsAttr("ends");
        long step = opset >= 10 && in.length > 4 && in[4] != null ? longs(c(in, 4), "steps")[0] : 1;
        if (starts == null || ends == null || starts.length != 1 || ends.length != 1 || step != 1) throw new Unsupported("a Slice other than one range with step 1");
        int size = x.size();
        int s = (int) clampAxis(starts[0], size), e = (int) clampAxis(ends[0], size);
        int len = Math.max(0, e - s);
        return new Const(new long[] {len}, x.floats() == null ? null : Arrays.copyOfRange(x.floats(), s, s + len),
                x.longs() == null ? null : Arrays.copyOfRange(x.longs(), s, s + len));
    }

    private static Const transpose(Node n, Const x) {
        int r = x.dims().length;
        long[] p = n.intsAttr("perm");
        int[] perm = new int[r];
        boolean[] seen = new boolean[r];
        if (p != null && p.length != r) throw new Unsupported("perm " + Arrays.toString(p) + " for a constant of rank " + r);
        for (int i = 0; i < r; i++) {
            long a = p == null ? r - 1 - i : p[i];
            if (a < 0 || a >= r || seen[(int) a]) throw new Unsupported("perm " + Arrays.toString(p) + " for a constant of rank " + r);
            seen[(int) a] = true;
            perm[i] = (int) a;
        }
        return permute(x, perm);
    }

    /** x with its axes permuted: axis i of the result is axis perm[i] of x. */
    static Const permute(Const x, int[] perm) {
        long[] d = x.dims();
        int r = d.length, size = x.size();
        long[] dims = new long[r], stride = new long[r];
        for (int i = r - 1, s = 1; i >= 0; s *= (int) d[i], i--) stride[i] = s;
        for (int i = 0; i < r; i++) dims[i] = d[perm[i]];
        float[] f = x.floats() == null ? null : new float[size];
        long[] l = x.longs() == null ? null : new long[size];
        int[] at = new int[r];
        for (int o = 0; o < size; o++) {
            int from = 0;
            for (int i = 0; i < r; i++) from += at[i] * (int) stride[perm[i]];
            if (f != null) f[o] = x.floats()[from];
            else l[o] = x.longs()[from];
            for (int i = r - 1; i >= 0 && ++at[i] == dims[i]; i--) at[i] = 0;
        }
        return new Const(dims, f, l);
    }

    private static long[] reshapeDims(Const x, Const shape) {
        long[] t = longs(shape, "shape").clone();
        long known = 1;
        int free = -1;
        for (int i = 0; i < t.length; i++) {
            if (t[i] == 0 && i < x.dims().length) t[i] = x.dims()[i];
            if (t[i] == -1 && free < 0) free = i;
            else if (t[i] <= 0) throw new Unsupported("a constant reshaped to " + Arrays.toString(t));
            else known *= t[i];
        }
        if (free >= 0 && known > 0) t[free] = x.size() / known;
        long n = 1;
        for (long d : t) n *= d;
        if (n != x.size()) throw new Unsupported("a constant of " + x.size() + " values reshaped to " + Arrays.toString(t));
        return t;
    }

    private static Const arithmetic(Node n, Const a, Const b) {
        int size = Math.max(a.size(), b.size());
        if ((a.size() != size && a.size() != 1) || (b.size() != size && b.size() != 1)) throw new Unsupported("broadcasting beyond scalars");
        long[] dims = a.size() == size ? a.dims() : b.dims();
        if (a.longs() != null && b.longs() != null) {
            long[] out = new long[size];
            for (int i = 0; i < size; i++) {
                long x = a.longs()[a.size() == 1 ? 0 : i], y = b.longs()[b.size() == 1 ? 0 : i];
                if (x == Value.BATCH || y == Value.BATCH) throw new Unsupported("arithmetic on the batch size");
                if (n.op().equals("Div") && y == 0) throw new Unsupported("a division by zero");
                out[i] = switch (n.op()) { case "Add" -> x + y; case "Sub" -> x - y; case "Mul" -> x * y; default -> Math.floorDiv(x, y); };
            }
            return new Const(dims, null, out);
        }
        if (a.floats() == null || b.floats() == null) throw new Unsupported("arithmetic mixing float and integer constants");
        float[] out = new float[size];
        for (int i = 0; i < size; i++) {
            float x = a.floats()[a.size() == 1 ? 0 : i], y = b.floats()[b.size() == 1 ? 0 : i];
            out[i] = switch (n.op()) { case "Add" -> x + y; case "Sub" -> x - y; case "Mul" -> x * y; default -> x / y; };
        }
        return new Const(dims, out, null);
    }

    static long[] longs(Const c, String what) {
        if (c.longs() == null) throw new Unsupported(what + " must be integers");
        return c.longs();
    }

    /** A node this importer cannot map, with the reason; collected and reported together. */
    static final class Unsupported extends RuntimeException {
        Unsupported(String reason) { super(reason, null, false, false); }
    }
}
