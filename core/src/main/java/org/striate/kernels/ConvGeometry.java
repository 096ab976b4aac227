package org.striate.kernels;

import org.striate.StriateException;

/**
 * Everything a 2-D convolution kernel needs to know about one layer, fixed when the model is built.
 * Input x is (N, inC, inH, inW); weights w are (outC, inC/groups, kH, kW) as in PyTorch and ONNX;
 * output y is (N, outC, outH, outW) with outH = ⌊(inH + 2·padH − dilH·(kH−1) − 1) / strideH⌋ + 1.
 */
public record ConvGeometry(int inC, int inH, int inW, int outC, int kH, int kW,
                           int strideH, int strideW, int padH, int padW, int dilH, int dilW, int groups) {

    public ConvGeometry {
        if (inC <= 0 || outC <= 0 || kH <= 0 || kW <= 0 || strideH <= 0 || strideW <= 0 || dilH <= 0 || dilW <= 0 || groups <= 0
                || padH < 0 || padW < 0) {
            throw new StriateException("Invalid convolution geometry " + this + ": sizes, strides and dilations must be > 0, padding >= 0.");
        }
        if (inC % groups != 0 || outC % groups != 0) {
            throw new StriateException("Invalid value for argument `groups`. Expected a divisor of both input channels (" + inC
                    + ") and output channels (" + outC + "). Received groups=" + groups + ".");
        }
        String layer = "convolution of " + inC + "x" + inH + "x" + inW + " by " + outC + " filters of " + kH + "x" + kW + " (stride " + strideH + "x"
                + strideW + ", padding " + padH + "x" + padW + ", dilation " + dilH + "x" + dilW + ")";
        Extents.check(layer, "padded input", (long) inH + 2L * padH, (long) inW + 2L * padW, inC);
        Extents.check(layer, "output", outC, Extents.out(inH, kH, strideH, padH, dilH), Extents.out(inW, kW, strideW, padW, dilW));
        Extents.check(layer, "weights", outC, inC / groups, kH, kW);
    }

    /** Output size along one axis: ⌊(in + 2p − d·(k−1) − 1) / s⌋ + 1; may be ≤ 0 for impossible shapes. */
    public static int outSize(int in, int k, int stride, int pad, int dil) {
        return Extents.clamp(Extents.out(in, k, stride, pad, dil));
    }

    public int outH() { return outSize(inH, kH, strideH, padH, dilH); }
    public int outW() { return outSize(inW, kW, strideW, padW, dilW); }
    public int inPerGroup() { return inC / groups; }
    public int outPerGroup() { return outC / groups; }
    public int inSize() { return inC * inH * inW; }
    public int outSize() { return outC * outH() * outW(); }
    public int weightSize() { return outC * inPerGroup() * kH * kW; }
    /** Multiply-adds per sample. */
    public long macs() { return (long) outSize() * inPerGroup() * kH * kW; }
}
