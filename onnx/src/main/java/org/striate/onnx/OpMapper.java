package org.striate.onnx;

import java.util.Arrays;
import org.striate.nn.BatchNorm2d;
import org.striate.nn.Concat;
import org.striate.nn.Dropout;
import org.striate.nn.Flatten;
import org.striate.nn.GlobalAvgPool2d;
import org.striate.nn.Layer;
import org.striate.nn.LeakyReLU;
import org.striate.nn.Node;
import org.striate.nn.ReLU;
import org.striate.nn.Sigmoid;
import org.striate.nn.Softmax;
import org.striate.nn.Tanh;
import org.striate.nn.Upsample;
import org.striate.onnx.ConstantFolder.Unsupported;
import org.striate.onnx.Value.Act;
import org.striate.onnx.Value.Const;
import org.striate.onnx.Value.MatMul;

/**
 * One ONNX operator on activations → Striate layers. Convolutions, pooling and padding are in
 * {@link WindowOps}, element-wise arithmetic in {@link ArithmeticOps}, channels-last tensors and their
 * Transposes in {@link LayoutOps}; everything known at import time was folded before ({@link ConstantFolder}).
 */
final class OpMapper {
    /** The operators mapped here (besides those {@link ConstantFolder} evaluates). */
    static final java.util.Set<String> OPS = java.util.Set.of("Conv", "ConvTranspose", "MaxPool", "AveragePool", "Pad", "GlobalAveragePool",
            "BatchNormalization", "Relu", "LeakyRelu", "Sigmoid", "Tanh", "Softmax", "Dropout", "Identity", "Neg", "Flatten", "Reshape", "Gemm",
            "MatMul", "Add", "Sum", "Sub", "Mul", "Div", "Concat", "Resize", "Upsample", "Cast", "ReduceMean", "Transpose");

    private final OnnxImporter im;
    private final WindowOps windows;
    private final ArithmeticOps arithmetic;
    private final LayoutOps layout;

    OpMapper(OnnxImporter im) {
        this.im = im;
        this.windows = new WindowOps(im);
        this.arithmetic = new ArithmeticOps(im);
        this.layout = new LayoutOps(im, this);
    }

    void map(OnnxModel.Node n, Value[] in) {
        if (LayoutOps.involved(in)) {
            layout.map(n, in); // it maps the node on the channels-first values through this method again
            return;
        }
        switch (n.op()) {
            case "Conv" -> windows.conv(n, in);
            case "ConvTranspose" -> windows.convTranspose(n, in);
            case "MaxPool", "AveragePool" -> windows.pool(n, in);
            case "Pad" -> windows.pad(n, in);
            case "GlobalAveragePool" -> {
                Act x = windows.maps(n, in[0]);
                Node g = im.add(new GlobalAvgPool2d(), LayerNames.ofNode(n.name(), n.op()), x.node());
                im.put(n, 0, new Act(g, new int[] {x.shape()[0], 1, 1}));
            }
            case "BatchNormalization" -> batchNorm(n, in);
            case "Relu" -> elementwise(n, in, new ReLU());
            case "LeakyRelu" -> elementwise(n, in, new LeakyReLU(n.floatAttr("alpha", 0.01f)));
            case "Sigmoid" -> elementwise(n, in, new Sigmoid());
            case "Tanh" -> elementwise(n, in, new Tanh());
            case "Softmax" -> softmax(n, in);
            case "Dropout" -> dropout(n, in);
            case "Identity" -> im.put(n, 0, in[0]);
            case "Cast" -> {
                // Keras's exporter casts float activations to float around every operator
                if (n.intAttr("to", 0) != OnnxModel.FLOAT) throw new Unsupported("Cast of activations to data type " + n.intAttr("to", 0) + "; only to float");
                im.put(n, 0, in[0]);
            }
            case "ReduceMean" -> reduceMean(n, in);
            case "Neg" -> im.put(n, 0, in[0] instanceof Value.Negated ng ? ng.source() : new Value.Negated(im.act(in[0])));
            case "Flatten" -> {
                long axis = n.intAttr("axis", 1);
                Act x = im.act(in[0]);
                if (axis != 1 && axis != -x.shape().length) throw new Unsupported("Flatten at axis " + axis + "; only axis 1 (keeping the batch) is supported");
                im.put(n, 0, flat(n, x));
            }
            case "Reshape" -> reshape(n, in);
            case "Gemm" -> gemm(n, in);
            case "MatMul" -> matMul(n, in);
            case "Add", "Sum", "Sub", "Mul", "Div" -> arithmetic.map(n, in);
            case "Concat" -> concat(n, in);
            case "Resize", "Upsample" -> resize(n, in);
            case "Transpose" -> layout.transpose(n, in);
            default -> throw new Unsupported("operator not supported");
        }
    }

    private void elementwise(OnnxModel.Node n, Value[] in, Layer layer) {
        Act x = im.act(in[0]);
        Node y = im.add(layer, LayerNames.ofNode(n.name(), n.op()), x.node());
        im.put(n, 0, new Act(y, x.shape()));
    }

    private Act flat(OnnxModel.Node n, Act x) {
        if (x.node().shape().length == 1) return new Act(x.node(), x.node().shape());
        Node f = im.add(new Flatten(), LayerNames.ofNode(n.name(), n.op()), x.node());
        return new Act(f, f.shape());
    }

    private void softmax(OnnxModel.Node n, Value[] in) {
        Act x = im.act(in[0]);
        long axis = n.intAttr("axis", im.opset >= 13 ? -1 : 1);
        if (x.shape().length != 1 || (axis != 1 && axis != -1)) {
            throw new Unsupported("Softmax over axis " + axis + " of " + (x.shape().length + 1) + "-D tensors; only over the classes of (N, K) is supported");
        }
        elementwise(n, in, new Softmax());
    }

    private void dropout(OnnxModel.Node n, Value[] in) {
        float ratio = n.floatAttr("ratio", 0.5f);
        if (in.length > 1 && in[1] instanceof Const c && c.floats() != null && c.size() == 1) ratio = c.floats()[0];
        elementwise(n, in, new Dropout(ratio));
    }

    private void batchNorm(OnnxModel.Node n, Value[] in) {
        if (n.intAttr("training_mode", 0) != 0) throw new Unsupported("BatchNormalization in training mode");
        Act x = im.act(in[0]);
        if (!Arrays.equals(x.shape(), x.node().shape())) throw new Unsupported("BatchNormalization of " + Arrays.toString(x.shape()));
        int c = x.shape()[0];
        float[][] p = new float[4][];
        String[] what = {"scale", "bias", "mean", "variance"};
        for (int i = 0; i < 4; i++) p[i] = WindowOps.floats(in, i + 1, what[i], c);
        float m = 1 - n.floatAttr("momentum", 0.9f);
        m = Float.parseFloat(String.format(java.util.Locale.ROOT, "%.6g", m)); // ONNX keeps 1 − ours: undo the rounding of that subtraction
        if (!(m > 0 && m <= 1)) m = BatchNorm2d.DEFAULT_MOMENTUM;
        BatchNorm2d bn = new BatchNorm2d(m, n.floatAttr("epsilon", 1e-5f));
        String name = LayerNames.ofWeight(n.input(1));
        Node y = im.add(bn, name != null ? name : LayerNames.ofNode(n.name(), n.op()), x.node());
        im.weights(bn, concat(p[0], p[1]), concat(p[2], p[3]));
        im.put(n, 0, new Act(y, x.shape()));
    }

    /** The mean over H and W (Keras's GlobalAveragePooling2D), as global average pooling. */
    private void reduceMean(OnnxModel.Node n, Value[] in) {
        Act x = windows.maps(n, in[0]);
        long[] axes = in.length > 1 && in[1] instanceof Const c && c.longs() != null ? c.longs() : n.intsAttr("axes");
        long[] sorted = axes == null ? null : Arrays.stream(axes).map(a -> a < 0 ? a + 4 : a).sorted().toArray();
        if (sorted == null || !Arrays.equals(sorted, new long[] {2, 3})) {
            throw new Unsupported("ReduceMean over axes " + Arrays.toString(axes) + "; only over H and W (axes 2, 3: global average pooling) is supported");
        }
        Node g = im.add(new GlobalAvgPool2d(), LayerNames.ofNode(n.name(), n.op()), x.node());
        im.put(n, 0, new Act(g, n.intAttr("keepdims", 1) != 0 ? new int[] {x.shape()[0], 1, 1} : g.shape()));
    }

    static float[] concat(float[] a, float[] b) {
        float[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private void reshape(OnnxModel.Node n, Value[] in) {
        Act x = im.act(in[0]);
        if (!(in.length > 1 && in[1] instanceof Const c && c.longs() != null)) {
            throw new Unsupported("a Reshape whose target shape is not known at import (it must fold against the input's static shape)");
        }
        long[] t = ((Const) in[1]).longs();
        long first = t.length == 0 ? 1 : t[0];
        boolean batch = first == Value.BATCH || (first == 0 && n.intAttr("allowzero", 0) == 0) || first == im.staticBatch || first == -1;
        if (t.length < 2 || !batch) throw new Unsupported("a Reshape to " + shown(t) + " that does not keep the batch dimension first");
        long size = 1;
        for (int d : x.shape()) size *= d;
        long[] per = Arrays.copyOfRange(t, 1, t.length);
        long known = 1;
        int free = first == -1 ? -2 : -1;
        for (int i = 0; i < per.length; i++) {
            if (per[i] == 0 && n.intAttr("allowzero", 0) == 0 && i < x.shape().length) per[i] = x.shape()[i];
            if (per[i] == -1 && free == -1) free = i;
            else if (per[i] <= 0) throw new Unsupported("a Reshape to " + shown(t));
            else known *= per[i];
        }
        if (free >= 0) per[free] = known == 0 ? 0 : size / known;
        long total = 1;
        for (long d : per) total *= d;
        if (total != size) throw new Unsupported("a Reshape of " + size + " values per sample to " + shown(t));
        int[] target = Arrays.stream(per).mapToInt(v -> (int) v).toArray();
        if (target.length == 1) im.put(n, 0, flat(n, x));
        else if (Arrays.equals(target, x.shape())) im.put(n, 0, x);
        else if (Arrays.equals(target, x.node().shape())) im.put(n, 0, new Act(x.node(), target));
        else throw new Unsupported("a Reshape from " + Arrays.toString(x.shape()) + " to " + Arrays.toString(target) + " per sample; only flattening is supported");
    }

    private static String shown(long[] t) {
        StringBuilder b = new StringBuilder("(");
        for (int i = 0; i < t.length; i++) b.append(i > 0 ? ", " : "").append(t[i] == Value.BATCH ? "N" : Long.toString(t[i]));
        return b.append(')').toString();
    }

    private Act flatInput(Value v) {
        Act x = im.act(v);
        if (x.shape().length != 1) throw new Unsupported("a matrix product of " + (x.shape().length + 1) + "-D activations; expected (N, features)");
        return x;
    }

    private void gemm(OnnxModel.Node n, Value[] in) {
        if (n.intAttr("transA", 0) != 0) throw new Unsupported("Gemm with transA=1");
        Act x = flatInput(in[0]);
        Const b = WindowOps.constant(in, 1, "weights");
        if (b.dims().length != 2 || b.floats() == null) throw new Unsupported("Gemm weights of rank " + b.dims().length);
        boolean transB = n.intAttr("transB", 0) != 0;
        int rows = (int) b.dims()[0], cols = (int) b.dims()[1], f = x.shape()[0];
        int units = transB ? rows : cols;
        if ((transB ? cols : rows) != f) throw new Unsupported("Gemm weights " + Arrays.toString(b.dims()) + " for " + f + " features");
        float[] w = new float[units * f];
        float alpha = n.floatAttr("alpha", 1f), beta = n.floatAttr("beta", 1f);
        for (int u = 0; u < units; u++) {
            for (int i = 0; i < f; i++) {
                float v = transB ? b.floats()[u * f + i] : b.floats()[i * units + u];
                w[u * f + i] = alpha == 1f ? v : alpha * v;
            }
        }
        float[] bias = null;
        if (in.length > 2 && in[2] != null) {
            Const c = WindowOps.constant(in, 2, "bias");
            if (c.floats() == null || (c.size() != units && c.size() != 1)) throw new Unsupported("a Gemm bias of " + c.size() + " values for " + units + " units");
            bias = new float[units];
            for (int u = 0; u < units; u++) {
                float v = c.floats()[c.size() == 1 ? 0 : u];
                bias[u] = beta == 1f ? v : beta * v;
            }
        }
        String name = LayerNames.ofWeight(n.input(1));
        im.put(n, 0, im.dense(new MatMul(x, w, units, name != null ? name : LayerNames.ofNode(n.name(), n.op())), bias));
    }

    private void matMul(OnnxModel.Node n, Value[] in) {
        Act x = flatInput(in[0]);
        Const b = WindowOps.constant(in, 1, "weights");
        if (b.dims().length != 2 || b.floats() == null || b.dims()[0] != x.shape()[0]) {
            throw new Unsupported("MatMul by " + Arrays.toString(b.dims()) + " for " + x.shape()[0] + " features");
        }
        int f = (int) b.dims()[0], units = (int) b.dims()[1];
        float[] w = new float[units * f];
        for (int u = 0; u < units; u++) for (int i = 0; i < f; i++) w[u * f + i] = b.floats()[i * units + u];
        String name = LayerNames.ofWeight(n.input(1));
        im.put(n, 0, new MatMul(x, w, units, name != null ? name : LayerNames.ofNode(n.name(), n.op())));
    }

    private void concat(OnnxModel.Node n, Value[] in) {
        Node[] nodes = new Node[in.length];
        Act first = im.act(in[0]);
        long axis = n.intAttr("axis", 1);
        if (axis != 1 && axis != 1 - first.shape().length - 1) throw new Unsupported("Concat along axis " + axis + "; only channels (axis 1) are supported");
        int channels = 0;
        for (int i = 0; i < in.length; i++) {
            Act a = i == 0 ? first : im.act(in[i]);
            if (!Arrays.equals(a.shape(), a.node().shape())) throw new Unsupported("Concat of " + Arrays.toString(a.shape()));
            nodes[i] = a.node();
            channels += a.shape()[0];
        }
        Node y = in.length == 1 ? first.node() : im.add(new Concat(), LayerNames.ofNode(n.name(), n.op()), nodes);
        im.put(n, 0, new Act(y, y.shape()));
    }

    private void resize(OnnxModel.Node n, Value[] in) {
        Act x = windows.maps(n, in[0]);
        boolean upsampleOp = n.op().equals("Upsample") || im.opset < 11;
        String mode = n.stringAttr("mode", "nearest");
        String coords = upsampleOp ? "asymmetric" : n.stringAttr("coordinate_transformation_mode", "half_pixel");
        String nearest = n.stringAttr("nearest_mode", "round_prefer_floor");
        int[] hw = {x.shape()[1], x.shape()[2]};
        float[] scales = null;
        Value s = upsampleOp ? (in.length > 1 ? in[1] : null) : (in.length > 2 ? in[2] : null);
        if (s instanceof Const c && c.floats() != null && c.size() == 4) scales = c.floats();
        else if (n.attributes().containsKey("scales")) scales = n.attributes().get("scales").floats();
        else if (!upsampleOp && in.length > 3 && in[3] instanceof Const c && c.longs() != null && c.size() == 4) {
            scales = new float[] {1, 1, (float) c.longs()[2] / hw[0], (float) c.longs()[3] / hw[1]};
        }
        if (scales == null || scales.length != 4) throw new Unsupported("a resize whose scales or sizes are not known at import");
        int scale = Math.round(scales[2]);
        if (scales[0] != 1 || scales[1] != 1 || scales[2] != scales[3] || scale < 1 || scale != scales[2]) {
            throw new Unsupported("resize by " + Arrays.toString(scales) + "; only the same whole factor for H and W is supported");
        }
        Upsample.Mode m;
        if (mode.equals("nearest") && (coords.equals("asymmetric") ? nearest.equals("floor") || scale == 1
                : coords.equals("half_pixel") || coords.equals("pytorch_half_pixel"))) {
            m = Upsample.Mode.NEAREST;
        } else if ((mode.equals("linear") || mode.equals("bilinear")) && (coords.equals("half_pixel") || coords.equals("pytorch_half_pixel")) && !upsampleOp) {
            m = Upsample.Mode.BILINEAR;
        } else {
            throw new Unsupported("resize mode '" + mode + "' with coordinates '" + coords + "'" + (mode.equals("nearest") ? " and nearest_mode '" + nearest + "'" : "")
                    + "; supported: nearest (asymmetric with floor, or half_pixel) and linear with half_pixel (PyTorch's align_corners=False)");
        }
        Node y = im.add(new Upsample(scale, m), LayerNames.ofNode(n.name(), n.op()), x.node());
        im.put(n, 0, new Act(y, y.shape()));
    }
}
