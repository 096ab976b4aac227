package org.striate.nn;

import org.striate.kernels.PoolGeometry;

/** Min pooling: the smallest value in each window. */
public class MinPool2d extends Pool2d {
    public MinPool2d(int size) { this(size, size); }

    public MinPool2d(int kH, int kW) { super(PoolGeometry.Kind.MIN, kH, kW); }

    @Override
    protected String keyword() { return "minpool"; }
}
