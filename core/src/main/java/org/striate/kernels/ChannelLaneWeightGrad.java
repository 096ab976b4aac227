package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a convolution of stride 1 (or 2 across, see
 * {@link ChannelLaneConv#appliesWeightGrad}) with output channels in the vector lanes, the twin
 * of {@link ChannelLaneConv}: dW[o][t] = Σ over samples and positions p of dy[o][p] · x(t, p), where
 * x(t, p) is the input that tap t meets at output position p. A tile of taps × channels
 * ({@link ChannelLaneTiles}) is held in registers while p walks a block of output rows: each position
 * adds one broadcast input per tap times the vectors of dy, stored (positions, channels) for that.
 * Within a row the inputs of a tap are neighbours, so their bounds are checked once per row, not per
 * position.
 *
 * <p>Each thread sums its share of the batch into its own (taps, channels) buffer; the buffers are
 * added into dW in thread order, so results do not depend on timing.
 */
final class ChannelLaneWeightGrad {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    private static final int CB = ChannelLaneTiles.CB, PR = ChannelLaneTiles.POSITIONS;
    /** Bytes of dy per block of output rows: with the inputs they meet, the block stays in L1. */
    private static final int BLOCK_BYTES = 16 * 1024;

    private ChannelLaneWeightGrad() {}

    static void backwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias,
                               int dbOff, Parallel pool) {
        int k = g.inC() * g.kH() * g.kW(), outC = g.outC(), tapsPadded = SimdGemm.roundUp(k, PR);
        int size = tapsPadded * outC + outC;
        float[][] parts = Scratch.get().partials(pool.threads(), size);
        ConvCall.mine().params(pool, g, batch, x, dy, parts, true);
        for (int part = 0; part < pool.threads(); part++) {
            if (Parallel.split(batch, pool.threads(), part) == Parallel.split(batch, pool.threads(), part + 1)) continue;
            float[] sum = parts[part];
            for (int o = 0; o < outC; o++) {
                int row = dwOff + o * k;
                for (int t = 0; t < k; t++) dw[row + t] += sum[t * outC + o];
            }
            if (dbias != null) SimdKernels.addInto(dbias, dbOff, sum, tapsPadded * outC, outC);
        }
    }

    /** sum (taps, channels), then the bias gradient at biasAt, accumulates sample n. */
    static void sample(ConvGeometry g, int n, float[] x, float[] dy, float[] sum, int biasAt) {
        int k = g.inC() * g.kH() * g.kW(), outC = g.outC();
        int wp = g.inW() + 2 * g.padW(), plane = (g.inH() + 2 * g.padH()) * wp;
        int oh = g.outH(), ow = g.outW(), spatial = oh * ow;
        Scratch s = Scratch.get();
        boolean halves = g.strideW() == 2;
        float[] xp = SimdConv.pad(s, x, n * g.inSize(), g.inC(), g.inH(), g.inW(), g.padH(), g.padW(),
                halves ? 2 * L : g.dilW() * (g.kW() - 1));
        int tapsPadded = SimdGemm.roundUp(k, PR);
        int[] rows = s.convRows(tapsPadded);
        int rowLength = wp;
        if (halves) {
            // each padded row as its even columns, then its odd ones: a tap's inputs along an output row
            // are then neighbours, as at stride 1, and the tile below reads them unchanged
            int half = SimdGemm.roundUp((wp + 1) / 2, L), hp = g.inH() + 2 * g.padH();
            rowLength = 2 * half;
            float[] split = s.halves(g.inC() * hp * rowLength);
            for (int r = 0; r < g.inC() * hp; r++) WinogradTiles.splitRow(xp, r * wp, (wp + 1) / 2, split, r * rowLength, half);
            for (int c = 0, t = 0; c < g.inC(); c++) {
                for (int l = 0; l < g.kH(); l++) {
                    for (int m = 0; m < g.kW(); m++, t++) {
                        int col = m * g.dilW();
                        rows[t] = (c * hp + l * g.dilH()) * rowLength + col % 2 * half + col / 2;
                    }
                }
            }
            xp = split;
        } else {
            SimdConv.shiftedRows(rows, 0, g.inC(), plane, wp, g.kH(), g.kW(), g.dilH(), g.dilW());
        }
        // taps past the last repeat it: a part tile reads real inputs and its extra rows are never used
        for (int t = k; t < tapsPadded; t++) rows[t] = rows[k - 1];
        float[] dyT = s.ext(spatial * outC);
        LaneTranspose.transpose(dy, n * g.outSize(), outC, spatial, dyT);
        for (int o = 0; o < outC; o++) sum[biasAt + o] += SimdKernels.sumOf(dy, n * g.outSize() + o * spatial, spatial);
        int block = Math.max(1, BLOCK_BYTES / (ow * outC * Float.BYTES));
        for (int i0 = 0; i0 < oh; i0 += block) {
            int i1 = Math.min(oh, i0 + block);
            for (int cb = 0; cb < outC; cb += CB) {
                for (int t0 = 0; t0 < k; t0 += PR) grad6x4(xp, rows, t0, g.strideH() * rowLength, ow, i0, i1, dyT, outC, cb, sum);
            }
        }
    }

    /** Tile of 6 taps × 4 vectors of channels over output rows [i0, i1), output rows {@code down} floats apart in xp. */
    static void grad6x4(float[] xp, int[] rows, int t0, int down, int ow, int i0, int i1, float[] dyT, int outC, int cb,
                         float[] sum) {
        int s0 = t0 * outC + cb, s1 = s0 + outC, s2 = s1 + outC, s3 = s2 + outC, s4 = s3 + outC, s5 = s4 + outC;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23;
        FloatVector c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
        c00 = FloatVector.fromArray(S, sum, s0); c01 = FloatVector.fromArray(S, sum, s0 + L);
        c02 = FloatVector.fromArray(S, sum, s0 + 2 * L); c03 = FloatVector.fromArray(S, sum, s0 + 3 * L);
        c10 = FloatVector.fromArray(S, sum, s1); c11 = FloatVector.fromArray(S, sum, s1 + L);
        c12 = FloatVector.fromArray(S, sum, s1 + 2 * L); c13 = FloatVector.fromArray(S, sum, s1 + 3 * L);
        c20 = FloatVector.fromArray(S, sum, s2); c21 = FloatVector.fromArray(S, sum, s2 + L);
        c22 = FloatVector.fromArray(S, sum, s2 + 2 * L); c23 = FloatVector.fromArray(S, sum, s2 + 3 * L);
        c30 = FloatVector.fromArray(S, sum, s3); c31 = FloatVector.fromArray(S, sum, s3 + L);
        c32 = FloatVector.fromArray(S, sum, s3 + 2 * L); c33 = FloatVector.fromArray(S, sum, s3 + 3 * L);
        c40 = FloatVector.fromArray(S, sum, s4); c41 = FloatVector.fromArray(S, sum, s4 + L);
        c42 = FloatVector.fromArray(S, sum, s4 + 2 * L); c43 = FloatVector.fromArray(S, sum, s4 + 3 * L);
        c50 = FloatVector.fromArray(S, sum, s5); c51 = FloatVector.fromArray(S, sum, s5 + L);
        c52 = FloatVector.fromArray(S, sum, s5 + 2 * L); c53 = FloatVector.fromArray(S, sum, s5 + 3 * L);
        FloatVector d0, d1, d2, d3, v;
        for (int i = i0; i < i1; i++) {
            int row = i * down;
            int b0 = row + rows[t0 + 0], b1 = row + rows[t0 + 1], b2 = row + rows[t0 + 2];
            int b3 = row + rows[t0 + 3], b4 = row + rows[t0 + 4], b5 = row + rows[t0 + 5];
            for (int j = 0, d = i * ow * outC + cb; j < ow; j++, d += outC) {
                d0 = FloatVector.fromArray(S, dyT, d); d1 = FloatVector.fromArray(S, dyT, d + L);
                d2 = FloatVector.fromArray(S, dyT, d + 2 * L); d3 = FloatVector.fromArray(S, dyT, d + 3 * L);
                v = FloatVector.broadcast(S, xp[b0 + j]);
                c00 = v.fma(d0, c00); c01 = v.fma(d1, c01); c02 = v.fma(d2, c02); c03 = v.fma(d3, c03);
                v = FloatVector.broadcast(S, xp[b1 + j]);
                c10 = v.fma(d0, c10); c11 = v.fma(d1, c11); c12 = v.fma(d2, c12); c13 = v.fma(d3, c13);
                v = FloatVector.broadcast(S, xp[b2 + j]);
                c20 = v.fma(d0, c20); c21 = v.fma(d1, c21); c22 = v.fma(d2, c22); c23 = v.fma(d3, c23);
                v = FloatVector.broadcast(S, xp[b3 + j]);
                c30 = v.fma(d0, c30); c31 = v.fma(d1, c31); c32 = v.fma(d2, c32); c33 = v.fma(d3, c33);
                v = FloatVector.broadcast(S, xp[b4 + j]);
                c40 = v.fma(d0, c40); c41 = v.fma(d1, c41); c42 = v.fma(d2, c42); c43 = v.fma(d3, c43);
                v = FloatVector.broadcast(S, xp[b5 + j]);
                c50 = v.fma(d0, c50); c51 = v.fma(d1, c51); c52 = v.fma(d2, c52); c53 = v.fma(d3, c53);
            }
        }
        c00.intoArray(sum, s0); c01.intoArray(sum, s0 + L); c02.intoArray(sum, s0 + 2 * L); c03.intoArray(sum, s0 + 3 * L);
        c10.intoArray(sum, s1); c11.intoArray(sum, s1 + L); c12.intoArray(sum, s1 + 2 * L); c13.intoArray(sum, s1 + 3 * L);
        c20.intoArray(sum, s2); c21.intoArray(sum, s2 + L); c22.intoArray(sum, s2 + 2 * L); c23.intoArray(sum, s2 + 3 * L);
        c30.intoArray(sum, s3); c31.intoArray(sum, s3 + L); c32.intoArray(sum, s3 + 2 * L); c33.intoArray(sum, s3 + 3 * L);
        c40.intoArray(sum, s4); c41.intoArray(sum, s4 + L); c42.intoArray(sum, s4 + 2 * L); c43.intoArray(sum, s4 + 3 * L);
        c50.intoArray(sum, s5); c51.intoArray(sum, s5 + L); c52.intoArray(sum, s5 + 2 * L); c53.intoArray(sum, s5 + 3 * L);
    }
}
