package org.striate.onnx;

import java.util.Arrays;
import org.striate.nn.AvgPool2d;
import org.striate.nn.BlurPool2d;
import org.striate.nn.Conv2d;
import org.striate.nn.ConvTranspose2d;
import org.striate.nn.MaxPool2d;
import org.striate.nn.MinPool2d;
import org.striate.nn.Node;
import org.striate.nn.Pool2d;
import org.striate.nn.ZeroPad2d;
import org.striate.onnx.ConstantFolder.Unsupported;
import org.striate.onnx.Value.Act;
import org.striate.onnx.Value.Const;
import org.striate.onnx.Value.Padded;

/**
 * The operators with a window over H and W: Conv, ConvTranspose, MaxPool, AveragePool and Pad. Padding
 * that differs per side becomes a {@link ZeroPad2d} before the layer; a Pad followed by an
 * AveragePool (PyTorch's export of count_include_pad=True) becomes one average pooling that counts its padding.
 */
final class WindowOps {
    private final OnnxImporter im;

    WindowOps(OnnxImporter im) { this.im = im; }

    /** Activations with (C, H, W) maps per sample. */
    Act maps(OnnxModel.Node n, Value v) {
        Act x = im.act(v);
        if (x.shape().length != 3 || !Arrays.equals(x.shape(), x.node().shape())) {
            throw new Unsupported("input of shape " + Arrays.toString(x.shape()) + " per sample; expected (C, H, W) maps (only 2-D windows are supported)");
        }
        return x;
    }

    static Const constant(Value[] in, int i, String what) {
        if (i >= in.length || !(in[i] instanceof Const c)) throw new Unsupported(what + " not known at import (expected a constant or initializer)");
        return c;
    }

    static float[] floats(Value[] in, int i, String what, int size) {
        Const c = constant(in, i, what);
        if (c.floats() == null || c.size() != size) throw new Unsupported(what + " of " + c.size() + " values where " + size + " were expected");
        return c.floats();
    }

    private static int[] pair(OnnxModel.Node n, String key, int dflt) {
        long[] v = n.intsAttr(key);
        if (v == null) return new int[] {dflt, dflt};
        if (v.length != 2) throw new Unsupported(key + " " + Arrays.toString(v) + "; only 2-D windows are supported");
        for (long x : v) if (x <= 0 || x > 1 << 16) throw new Unsupported(key + " " + Arrays.toString(v));
        return new int[] {(int) v[0], (int) v[1]};
    }

    /** {top, left, bottom, right}, from pads or auto_pad. */
    private static int[] pads(OnnxModel.Node n, int[] hw, int[] k, int[] s, int[] d) {
        String auto = n.stringAttr("auto_pad", "NOTSET");
        if (auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER")) {
            int[] p = new int[4];
            for (int a = 0; a < 2; a++) {
                int out = (hw[a] + s[a] - 1) / s[a];
                int total = Math.max(0, (out - 1) * s[a] + (k[a] - 1) * d[a] + 1 - hw[a]);
                int small = total / 2;
                p[a] = auto.equals("SAME_UPPER") ? small : total - small;
                p[a + 2] = total - p[a];
            }
            return p;
        }
        if (!auto.equals("NOTSET") && !auto.equals("VALID")) throw new Unsupported("auto_pad " + auto);
        long[] v = n.intsAttr("pads");
        if (v == null || auto.equals("VALID")) return new int[4];
        if (v.length != 4) throw new Unsupported("pads " + Arrays.toString(v) + "; only 2-D windows are supported");
        int[] p = new int[4];
        for (int i = 0; i < 4; i++) {
            if (v[i] < 0 || v[i] > ZeroPad2d.MAX_PAD) throw new Unsupported("pads " + Arrays.toString(v));
            p[i] = (int) v[i];
        }
        return p;
    }

    private static int[] kernel(OnnxModel.Node n, Const w) {
        long[] ks = n.intsAttr("kernel_shape");
        if (w.dims().length != 4) throw new Unsupported("weights of rank " + w.dims().length + "; only 2-D convolutions are supported");
        int[] k = {(int) w.dims()[2], (int) w.dims()[3]};
        if (ks != null && (ks.length != 2 || ks[0] != k[0] || ks[1] != k[1])) throw new Unsupported("kernel_shape " + Arrays.toString(ks) + " does not match the weights");
        return k;
    }

    void conv(OnnxModel.Node n, Value[] in) {
        Const w = constant(in, 1, "weights");
        if (w.floats() == null) throw new Unsupported("integer weights");
        int[] k = kernel(n, w);
        int filters = (int) w.dims()[0], perGroup = (int) w.dims()[1];
        long group = n.intAttr("group", 1);
        int[] s = pair(n, "strides", 1), d = pair(n, "dilations", 1);
        Padded before = in[0] instanceof Padded p ? p : null;
        Act x = maps(n, before != null ? before.source() : in[0]);
        int[] p = pads(n, new int[] {x.shape()[1], x.shape()[2]}, k, s, d);
        if (before != null) { p[0] += before.top(); p[1] += before.left(); p[2] += before.bottom(); p[3] += before.right(); }
        if (group <= 0 || group > filters || (long) perGroup * group != x.shape()[0]) {
            throw new Unsupported("weights " + Arrays.toString(w.dims()) + " with group=" + group + " for " + x.shape()[0] + " input channels");
        }
        Node src = x.node();
        if (p[0] != p[2] || p[1] != p[3]) {
            src = im.add(new ZeroPad2d(p[0], p[2], p[1], p[3]), null, src);
            p = new int[4];
        }
        float[] bias = in.length > 2 && in[2] != null ? floats(in, 2, "bias", filters) : null;
        if (bias == null && isBlur(w, group, s, p)) {
            Node y = im.add(new BlurPool2d(s[0], k[0]), LayerNames.ofNode(n.name(), n.op()), src);
            im.put(n, 0, new Act(y, y.shape()));
            return;
        }
        Conv2d c = new Conv2d(filters, k[0], k[1]).stride(s[0], s[1]).padding(p[0], p[1]).dilation(d[0], d[1]).groups((int) group).bias(bias != null);
        Node y = im.add(c, name(n), src);
        im.weights(c, bias == null ? w.floats() : OpMapper.concat(w.floats(), bias), null);
        Act out = new Act(y, y.shape());
        im.put(n, 0, bias == null ? new Value.Unbiased(out, c, w.floats(), filters) : out);
    }

    /** A depthwise convolution whose weights are exactly BlurPool2d's fixed binomial filter (as Striate exports it). */
    private static boolean isBlur(Const w, long group, int[] s, int[] p) {
        long[] d = w.dims();
        if (d[1] != 1 || d[0] != group || d[2] != d[3] || d[2] > BlurPool2d.MAX_SIZE || d[2] % 2 == 0 || s[0] != s[1]) return false;
        int size = (int) d[2];
        if (p[0] != (size - 1) / 2 || p[1] != p[0]) return false;
        float[] row = BlurPool2d.binomialRow(size);
        for (int c = 0; c < group; c++) {
            for (int l = 0; l < size; l++) {
                for (int m = 0; m < size; m++) {
                    if (Float.floatToRawIntBits(w.floats()[(c * size + l) * size + m]) != Float.floatToRawIntBits(row[l] * row[m])) return false;
                }
            }
        }
        return true;
    }

    private String name(OnnxModel.Node n) {
        String fromWeight = LayerNames.ofWeight(n.input(1));
        return fromWeight != null ? fromWeight : LayerNames.ofNode(n.name(), n.op());
    }

    void convTranspose(OnnxModel.Node n, Value[] in) {
        Const w = constant(in, 1, "weights");
        if (w.floats() == null) throw new Unsupported("integer weights");
        int[] k = kernel(n, w);
        Act x = maps(n, in[0]);
        long group = n.intAttr("group", 1);
        if (group <= 0 || w.dims()[0] != x.shape()[0] || x.shape()[0] % group != 0) {
            throw new Unsupported("weights " + Arrays.toString(w.dims()) + " with group=" + group + " for " + x.shape()[0] + " input channels");
        }
        int filters = (int) (w.dims()[1] * group);
        int[] s = pair(n, "strides", 1), d = pair(n, "dilations", 1);
        if (!n.stringAttr("auto_pad", "NOTSET").equals("NOTSET")) throw new Unsupported("ConvTranspose with auto_pad");
        int[] p = pads(n, null, k, s, d);
        if (p[0] != p[2] || p[1] != p[3]) throw new Unsupported("ConvTranspose with padding that differs per side " + Arrays.toString(p));
        long[] op = n.intsAttr("output_padding");
        int[] outPad = {0, 0};
        if (op != null && op.length == 2) outPad = new int[] {(int) op[0], (int) op[1]};
        else if (op != null) throw new Unsupported("output_padding " + Arrays.toString(op));
        long[] os = n.intsAttr("output_shape");
        if (os != null) {
            if (os.length < 2) throw new Unsupported("output_shape " + Arrays.toString(os));
            for (int a = 0; a < 2; a++) {
                long natural = (long) (x.shape()[a + 1] - 1) * s[a] - 2L * p[a] + (long) d[a] * (k[a] - 1) + 1;
                outPad[a] = (int) (os[os.length - 2 + a] - natural);
            }
        }
        float[] bias = in.length > 2 && in[2] != null ? floats(in, 2, "bias", filters) : null;
        ConvTranspose2d c = new ConvTranspose2d(filters, k[0], k[1]).stride(s[0], s[1]).padding(p[0], p[1]).outputPadding(outPad[0], outPad[1])
                .dilation(d[0], d[1]).groups((int) group).bias(bias != null);
        Node y = im.add(c, name(n), x.node());
        im.weights(c, bias == null ? w.floats() : OpMapper.concat(w.floats(), bias), null);
        im.put(n, 0, new Act(y, y.shape()));
    }

    void pool(OnnxModel.Node n, Value[] in) {
        boolean avg = n.op().equals("AveragePool");
        long[] ks = n.intsAttr("kernel_shape");
        if (ks == null || ks.length != 2 || ks[0] <= 0 || ks[1] <= 0 || ks[0] > 1 << 16 || ks[1] > 1 << 16) {
            throw new Unsupported("kernel_shape " + Arrays.toString(ks) + "; only 2-D windows are supported");
        }
        int[] k = {(int) ks[0], (int) ks[1]}, s = pair(n, "strides", 1), d = pair(n, "dilations", 1);
        if (d[0] != 1 || d[1] != 1) throw new Unsupported("pooling with dilations");
        Padded before = avg && in[0] instanceof Padded p ? p : null;
        Value.Negated negated = !avg && in[0] instanceof Value.Negated ng ? ng : null;
        Act x = maps(n, before != null ? before.source() : negated != null ? negated.source() : in[0]);
        int[] hw = {x.shape()[1], x.shape()[2]};
        int[] p = pads(n, hw, k, s, d);
        boolean countPad = avg && n.intAttr("count_include_pad", 0) != 0;
        if (before != null) {
            if (p[0] + p[1] + p[2] + p[3] != 0 && !countPad) { pool(n, new Value[] {im.act(before)}); return; } // uncounted padding of its own: pad first
            p = new int[] {p[0] + before.top(), p[1] + before.left(), p[2] + before.bottom(), p[3] + before.right()};
            countPad = true;
        }
        if (p[0] != p[2] || p[1] != p[3] || p[0] > k[0] / 2 || p[1] > k[1] / 2) {
            if (before != null) { pool(n, new Value[] {im.act(before)}); return; }
            throw new Unsupported("pooling padding " + Arrays.toString(p) + " (top, left, bottom, right); expected the same on both sides and at most half the window");
        }
        if (n.intAttr("ceil_mode", 0) != 0) {
            for (int a = 0; a < 2; a++) {
                int span = hw[a] + 2 * p[a] - k[a];
                if (span % s[a] != 0) throw new Unsupported("ceil_mode=1 where it changes the output size");
            }
        }
        Pool2d layer = avg ? new AvgPool2d(k[0], k[1]).countPadding(countPad && (p[0] > 0 || p[1] > 0))
                : negated != null ? new MinPool2d(k[0], k[1]) : new MaxPool2d(k[0], k[1]);
        layer.stride(s[0], s[1]).padding(p[0], p[1]);
        String name = LayerNames.ofNode(n.name(), n.op());
        if (negated != null && name != null && name.endsWith("_max")) name = name.substring(0, name.length() - 4);
        Node y = im.add(layer, name, x.node());
        Act out = new Act(y, y.shape());
        im.put(n, 0, negated != null ? new Value.Negated(out) : out); // MaxPool(−x) = −MinPool(x)
    }

    void pad(OnnxModel.Node n, Value[] in) {
        Act x = maps(n, in[0]);
        if (!n.stringAttr("mode", "constant").equals("constant")) throw new Unsupported("Pad mode '" + n.stringAttr("mode", "") + "'; only zeros are supported");
        long[] v = im.opset >= 11 ? ConstantFolder.longs(constant(in, 1, "pads"), "pads") : n.intsAttr("pads");
        float fill = im.opset >= 11 ? (in.length > 2 && in[2] != null ? floats(in, 2, "constant_value", 1)[0] : 0f) : n.floatAttr("value", 0f);
        if (fill != 0f) throw new Unsupported("Pad with the value " + fill + "; only zeros are supported");
        long[] full = new long[8];
        if (in.length > 3 && in[3] != null) {
            long[] axes = ConstantFolder.longs(constant(in, 3, "axes"), "axes");
            if (v == null || v.length != 2 * axes.length) throw new Unsupported("pads for axes " + Arrays.toString(axes));
            for (int i = 0; i < axes.length; i++) {
                int a = (int) (axes[i] < 0 ? axes[i] + 4 : axes[i]);
                if (a < 0 || a > 3) throw new Unsupported("axes " + Arrays.toString(axes));
                full[a] = v[i];
                full[a + 4] = v[i + axes.length];
            }
        } else if (v != null && v.length == 8) {
            full = v;
        } else {
            throw new Unsupported("pads " + Arrays.toString(v) + " for 4-D tensors");
        }
        if (full[0] != 0 || full[1] != 0 || full[4] != 0 || full[5] != 0) throw new Unsupported("padding of the batch or channel axes");
        for (long q : full) if (q < 0 || q > ZeroPad2d.MAX_PAD) throw new Unsupported("pads " + Arrays.toString(full) + " (negative pads crop, which is not supported)");
        im.put(n, 0, new Padded(x, (int) full[2], (int) full[6], (int) full[3], (int) full[7], LayerNames.ofNode(n.name(), n.op())));
    }
}
