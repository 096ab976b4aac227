package org.striate.kernels;

import org.striate.StriateException;

/**
 * A 2-D pooling window over (N, C, inH, inW). Padding cells never win a max or min. An average is over
 * the cells of the window that lie inside the input, or, with {@code countPad} (PyTorch's
 * count_include_pad=True, ONNX's count_include_pad=1), over the whole window, padding zeros included.
 */
public record PoolGeometry(Kind kind, int channels, int inH, int inW, int kH, int kW,
                           int strideH, int strideW, int padH, int padW, boolean countPad) {

    /** Padding not counted in averages. */
    public PoolGeometry(Kind kind, int channels, int inH, int inW, int kH, int kW, int strideH, int strideW, int padH, int padW) {
        this(kind, channels, inH, inW, kH, kW, strideH, strideW, padH, padW, false);
    }

    public enum Kind { MAX, MIN, AVG }

    public PoolGeometry {
        if (channels <= 0 || kH <= 0 || kW <= 0 || strideH <= 0 || strideW <= 0 || padH < 0 || padW < 0) {
            throw new StriateException("Invalid pooling geometry " + this + ": sizes and strides must be > 0, padding >= 0.");
        }
        if (padH > kH / 2 || padW > kW / 2) {
            throw new StriateException("Invalid pooling padding. Expected padding at most half the window. Received window "
                    + kH + "x" + kW + ", padding " + padH + "x" + padW + ".");
        }
        String layer = "pooling of " + channels + "x" + inH + "x" + inW + " by " + kH + "x" + kW + " windows (stride " + strideH + "x" + strideW
                + ", padding " + padH + "x" + padW + ")";
        Extents.check(layer, "padded input", (long) inH + 2L * padH, (long) inW + 2L * padW, channels);
        Extents.check(layer, "output", channels, Extents.out(inH, kH, strideH, padH, 1), Extents.out(inW, kW, strideW, padW, 1));
    }

    /** Whether this is a 2×2, stride-2, unpadded max pool, the window the kernels' pooled passes and max2x2 loops take. */
    public boolean halvesByMax() {
        return kind == Kind.MAX && kH == 2 && kW == 2 && strideH == 2 && strideW == 2 && padH == 0 && padW == 0;
    }

    /** The divisor of an average whose window has {@code inside} cells inside the input. */
    public int divisor(int inside) { return countPad ? kH * kW : inside; }

    public int outH() { return Extents.clamp(Extents.out(inH, kH, strideH, padH, 1)); }
    public int outW() { return Extents.clamp(Extents.out(inW, kW, strideW, padW, 1)); }
    public int inSize() { return channels * inH * inW; }
    public int outSize() { return channels * outH() * outW(); }
}
