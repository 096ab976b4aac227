package org.striate.nn;

import org.striate.kernels.PoolGeometry;

/** Avg pooling: the mean of each window (cells of the padding are not counted). */
public class AvgPool2d extends Pool2d {
    public AvgPool2d(int size) { this(size, size); }

    public AvgPool2d(int kH, int kW) { super(PoolGeometry.Kind.AVG, kH, kW); }

    @Override
    protected String keyword() { return "avgpool"; }
}
