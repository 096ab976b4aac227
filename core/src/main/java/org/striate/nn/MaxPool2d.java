package org.striate.nn;

import org.striate.kernels.PoolGeometry;

/**
 * Max pooling: the largest value in each window. A feature detected anywhere inside the window still
 * fires, so a shift smaller than the window can leave the output unchanged ([0,1,0,0] and [0,0,1,0]
 * pool to the same maximum with a window of 4).
 */
public class MaxPool2d extends Pool2d {
    public MaxPool2d(int size) { this(size, size); }

    public MaxPool2d(int kH, int kW) { super(PoolGeometry.Kind.MAX, kH, kW); }

    @Override
    protected String keyword() { return "maxpool"; }
}
