package org.striate.kernels;

/**
 * Lays one sample's receptive fields out as a matrix so that a convolution becomes a GEMM:
 * col[(c·kH + l)·kW + m][i·outW + j] = x[c, i·s − p + l·d, j·s − p + m·d] (0 outside the image).
 * col2im is its adjoint: it adds each column entry back onto the input cell it came from.
 * Rows with stride 1 are copied as runs, rows with stride 2 by whole vectors of even columns
 * ({@link WinogradTiles#evenColumns}); only the cells that fall in the padding are zeroed.
 * (Float by float at stride 2, the copy was 29% of resnet8's 32 → 64 stride-2 weight gradient.)
 */
final class Im2col {
    /** Floats col holds past its matrix: a last stride-2 row stored by whole vectors spills up to L − 1. */
    static final int SLACK = SimdGemm.L;

    private Im2col() {}

    /** col (inC·kH·kW, outH·outW, then {@link #SLACK} floats) writes, from x (inC, inH, inW) starting at xOff. */
    static void im2col(ConvGeometry g, float[] x, int xOff, float[] col) {
        int oh = g.outH(), ow = g.outW(), inH = g.inH(), inW = g.inW();
        int row = 0;
        for (int c = 0; c < g.inC(); c++) {
            int plane = xOff + c * inH * inW;
            for (int l = 0; l < g.kH(); l++) {
                for (int m = 0; m < g.kW(); m++, row++) {
                    int dst = row * oh * ow;
                    int colShift = m * g.dilW() - g.padW();
                    int j0 = firstInside(colShift, g.strideW()), j1 = endInside(colShift, g.strideW(), inW, ow);
                    for (int i = 0; i < oh; i++, dst += ow) {
                        int r = i * g.strideH() - g.padH() + l * g.dilH();
                        if (r < 0 || r >= inH || j0 >= j1) {
                            java.util.Arrays.fill(col, dst, dst + ow, 0f);
                            continue;
                        }
                        for (int j = 0; j < j0; j++) col[dst + j] = 0f;
                        int src = plane + r * inW + colShift;
                        if (g.strideW() == 1) {
                            System.arraycopy(x, src + j0, col, dst + j0, j1 - j0);
                        } else if (g.strideW() == 2 && src + 2 * j0 + 2 * SimdGemm.roundUp(j1 - j0, SimdGemm.L) <= x.length) {
                            // by whole vectors, the spill past j1 zeroed below or written by the next row
                            WinogradTiles.evenColumns(x, src + 2 * j0, j1 - j0, col, dst + j0);
                        } else {
                            for (int j = j0; j < j1; j++) col[dst + j] = x[src + j * g.strideW()];
                        }
                        for (int j = j1; j < ow; j++) col[dst + j] = 0f;
                    }
                }
            }
        }
    }

    /** dx (inC, inH, inW) at dxOff accumulates the column matrix col back onto the input cells. */
    static void col2im(ConvGeometry g, float[] col, float[] dx, int dxOff) {
        int oh = g.outH(), ow = g.outW(), inH = g.inH(), inW = g.inW();
        int row = 0;
        for (int c = 0; c < g.inC(); c++) {
            int plane = dxOff + c * inH * inW;
            for (int l = 0; l < g.kH(); l++) {
                for (int m = 0; m < g.kW(); m++, row++) {
                    int src = row * oh * ow;
                    int colShift = m * g.dilW() - g.padW();
                    int j0 = firstInside(colShift, g.strideW()), j1 = endInside(colShift, g.strideW(), inW, ow);
                    for (int i = 0; i < oh; i++, src += ow) {
                        int r = i * g.strideH() - g.padH() + l * g.dilH();
                        if (r < 0 || r >= inH) continue;
                        int dst = plane + r * inW + colShift;
                        if (g.strideW() == 1) {
                            for (int j = j0; j < j1; j++) dx[dst + j] += col[src + j];
                        } else {
                            for (int j = j0; j < j1; j++) dx[dst + j * g.strideW()] += col[src + j];
                        }
                    }
                }
            }
        }
    }

    /** First output column j with j·stride + shift ≥ 0. */
    private static int firstInside(int shift, int stride) {
        return shift >= 0 ? 0 : (-shift + stride - 1) / stride;
    }

    /** One past the last output column j (at most ow) with j·stride + shift < inW. */
    private static int endInside(int shift, int stride, int inW, int ow) {
        int lastCell = inW - 1 - shift;
        if (lastCell < 0) return 0;
        return Math.min(ow, lastCell / stride + 1);
    }
}
