package org.striate.kernels;

import java.util.Arrays;

/** Zero padding of (H, W) planes by different amounts on each side, and its adjoint, the crop. */
public final class PadKernels {
    private PadKernels() {}

    /**
     * y (planes, h + top + bottom, w + left + right) = x (planes, h, w) with zeros around it; each
     * side's amount may differ (ONNX's Pad, Keras's asymmetric 'same' padding).
     */
    public static void pad(int planes, int h, int w, int top, int bottom, int left, int right, float[] x, float[] y) {
        int ph = h + top + bottom, pw = w + left + right;
        Arrays.fill(y, 0, planes * ph * pw, 0f);
        for (int p = 0; p < planes; p++) {
            for (int r = 0; r < h; r++) System.arraycopy(x, (p * h + r) * w, y, (p * ph + r + top) * pw + left, w);
        }
    }

    /** dx (planes, h, w) = the inner part of dy (planes, h + top + bottom, w + left + right). */
    public static void crop(int planes, int h, int w, int top, int bottom, int left, int right, float[] dy, float[] dx) {
        int ph = h + top + bottom, pw = w + left + right;
        for (int p = 0; p < planes; p++) {
            for (int r = 0; r < h; r++) System.arraycopy(dy, (p * ph + r + top) * pw + left, dx, (p * h + r) * w, w);
        }
    }
}
