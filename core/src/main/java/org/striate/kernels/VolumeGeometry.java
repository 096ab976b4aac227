package org.striate.kernels;

import org.striate.StriateException;

/**
 * A 3-D convolution over voxel volumes, fixed when the model is built. Input x is (N, inC, inD, inH, inW);
 * weights w are (outC, inC, kD, kH, kW); output y is (N, outC, outD, outH, outW) with, on each axis,
 * out = ⌊(in + 2·pad − k) / stride⌋ + 1.
 */
public record VolumeGeometry(int inC, int inD, int inH, int inW, int outC, int kD, int kH, int kW,
                             int strideD, int strideH, int strideW, int padD, int padH, int padW) {

    public VolumeGeometry {
        if (inC <= 0 || inD <= 0 || inH <= 0 || inW <= 0 || outC <= 0 || kD <= 0 || kH <= 0 || kW <= 0
                || strideD <= 0 || strideH <= 0 || strideW <= 0 || padD < 0 || padH < 0 || padW < 0) {
            throw new StriateException("Invalid volume convolution geometry " + this + ": sizes and strides must be > 0, padding >= 0.");
        }
        String layer = "volume convolution of " + inC + "x" + inD + "x" + inH + "x" + inW + " by " + outC + " filters of " + kD + "x" + kH + "x" + kW
                + " (padding " + padD + "x" + padH + "x" + padW + ")";
        Extents.check(layer, "padded input", (long) inD + 2L * padD, (long) inH + 2L * padH, (long) inW + 2L * padW, inC);
        Extents.check(layer, "output", outC, Extents.out(inD, kD, strideD, padD, 1), Extents.out(inH, kH, strideH, padH, 1),
                Extents.out(inW, kW, strideW, padW, 1));
        Extents.check(layer, "weights", outC, inC, kD, kH, kW);
    }

    public int outD() { return Extents.clamp(Extents.out(inD, kD, strideD, padD, 1)); }
    public int outH() { return Extents.clamp(Extents.out(inH, kH, strideH, padH, 1)); }
    public int outW() { return Extents.clamp(Extents.out(inW, kW, strideW, padW, 1)); }
    public int inSize() { return inC * inD * inH * inW; }
    public int outSize() { return outC * outD() * outH() * outW(); }
    public int filterSize() { return inC * kD * kH * kW; }
    public int weightSize() { return outC * filterSize(); }
    /** Multiply-adds per sample. */
    public long macs() { return (long) outSize() * filterSize(); }
}
