package org.striate.nn;

import org.striate.kernels.PoolGeometry;

/**
 * Avg pooling: the mean of each window. Cells of the padding are not counted unless
 * {@link #countPadding} is on (PyTorch's count_include_pad=True, ONNX's count_include_pad=1), in which
 * case every window divides by kH·kW.
 */
public class AvgPool2d extends Pool2d {
    public AvgPool2d(int size) { this(size, size); }

    public AvgPool2d(int kH, int kW) { super(PoolGeometry.Kind.AVG, kH, kW); }

    public AvgPool2d countPadding(boolean on) { countPad(on); return this; }

    @Override
    protected String keyword() { return "avgpool"; }
}
