package org.striate.onnx;

import org.striate.nn.Conv2d;
import org.striate.nn.Node;

/** What an ONNX tensor name stands for while a graph is imported. */
sealed interface Value {
    /** The batch size inside a folded shape: unknown until run time, kept as a marker. */
    long BATCH = Long.MIN_VALUE;

    /**
     * A tensor known at import time: floats or int64 values (shape arithmetic, where {@link #BATCH} may
     * appear), row-major with {@code dims}.
     */
    record Const(long[] dims, float[] floats, long[] longs) implements Value {
        int size() { return floats != null ? floats.length : longs.length; }
    }

    /**
     * Activations: the output of a Striate node, with the per-sample shape ONNX gives them; the two
     * differ only by unit axes (global average pooling keeps 1×1 maps in ONNX).
     */
    record Act(Node node, int[] shape) implements Value {}

    /** Zeros to add around an activation, kept pending so a following convolution or average pooling can take them as its own padding. */
    record Padded(Act source, int top, int bottom, int left, int right, String name) implements Value {}

    /** A MatMul by constant weights (units × features), kept pending so a following Add of a bias makes one dense layer. */
    record MatMul(Act source, float[] weights, int units, String name) implements Value {}

    /**
     * A convolution without bias whose output only a Cast or an Add reads, pending: an Add of one
     * constant per channel becomes its bias (Keras's exporter writes Conv, Cast, Add). Read as
     * activations anywhere else, it is the convolution as it is.
     */
    record Unbiased(Act act, Conv2d layer, float[] weights, int filters) implements Value {}

    /**
     * A per-channel affine layer already added, y = x·scale + shift with its weights (scale then
     * shift) still open: a following Add, Sub, Mul or Div by constants that alone reads its output
     * folds into them (Keras's exporter writes BatchNormalization as Sub, Mul, Add). Read anywhere
     * else, it is the layer's output as it is.
     */
    record Affine(Act act, float[] params) implements Value {}

    /** −x, pending: only a MaxPool may follow (−MaxPool(−x) is min pooling, as Striate exports it), then another Neg. */
    record Negated(Act source) implements Value {}

    /**
     * The channels-last view ONNX has of channels-first values (Keras's default data format writes
     * (N, H, W, C) tensors and transposes around each convolution and pooling): {@code inner} is what
     * Striate computes, (C, H, W) = {@code chw} per sample, and ONNX holds it transposed to
     * (N, H, W, C). When {@code flat}, {@code inner} is the Flatten of those maps (features in C, H, W
     * order) while ONNX holds (N, H·W·C) in H, W, C order. See {@link LayoutOps}.
     */
    record ChannelsLast(Value inner, int[] chw, boolean flat) implements Value {
        ChannelsLast with(Value v) { return new ChannelsLast(v, chw, flat); }
    }

    /** The output of a node that could not be imported (already reported). */
    record Failed() implements Value {}
}
