package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;

/**
 * The locally connected layer's kernels ({@link LocalKernels}, the reference) on the Vector API, with
 * the output columns j of one output row (o, i) in the lanes. Along a row, the weights of tap t are
 * every filter's t-th value, a stride of one filter apart; each row's filters are therefore
 * transposed into a small (taps, columns) block that stays in L1 while every sample of the batch
 * uses it. The inputs a tap meets along the row are neighbours in a zero-bordered copy of the batch,
 * so no tap needs a bounds check. For a stride s above 1 the copy keeps the columns of each phase
 * (column mod s) together: the inputs of one tap along a row are then neighbours too.
 *
 * <p>Lanes past the row's end compute on whatever they read: the forward pass drops them with masked
 * stores; the gradients read dy from a copy whose rows end in zeros, so those lanes add 0·w. The
 * work splits into output rows (forward, weight gradient) or input channels (input gradient), so no
 * two threads write the same value and no partial sums are needed.
 *
 * <p>Each value is the scalar twin's, bit for bit: products are rounded before they are added (no
 * FMA) and every sum takes its terms in the twin's order (samples in order for the weight gradient;
 * output cells in order for the input gradient, which is why its taps run from the last column of the
 * kernel to the first). The one difference: a tap in the padding adds 0·w where the twin skips it,
 * which can turn a −0 into +0.
 */
final class SimdLocal {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Below this many multiply-adds a call runs on the calling thread: the hand-off would cost more. */
    static final int PARALLEL_FROM = 1 << 16;
    /**
     * Samples taken together by the gradients: their inputs near one output row stay in L1 while every
     * tap of the row goes by (a whole batch of them would be fetched from L2 once per tap).
     */
    private static final int SAMPLES = 8;

    private SimdLocal() {}

    enum Pass { FORWARD, INPUT, PARAMS }

    static void forward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y, Parallel pool) {
        Job job = SplitJobs.get().local;
        job.layout(g, batch);
        job.padded = job.pad(x);
        job.w = w;
        job.wOff = wOff;
        // no bias reads zeros: every sum then starts from a loaded vector, with no branch between vectors
        job.bias = bias != null ? bias : Scratch.get().localZeros(g.outSize());
        job.bOff = bias != null ? bOff : 0;
        job.y = y;
        job.start(Pass.FORWARD, pool, g.outC() * g.outH());
    }

    static void backwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx, Parallel pool) {
        Job job = SplitJobs.get().local;
        job.layout(g, batch);
        job.padded = Scratch.get().localPadded(batch * job.sample);
        job.dy = job.rows(dy);
        job.w = w;
        job.wOff = wOff;
        job.y = dx;
        job.start(Pass.INPUT, pool, g.inC());
    }

    static void backwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff,
                               Parallel pool) {
        Job job = SplitJobs.get().local;
        job.layout(g, batch);
        job.padded = job.pad(x);
        job.dy = job.rows(dy);
        job.w = dw;
        job.wOff = dwOff;
        job.bias = dbias;
        job.bOff = dbOff;
        job.start(Pass.PARAMS, pool, g.outC() * g.outH());
    }

    /**
     * One call's arguments and the layout of its padded copy (x, or the input gradient being summed),
     * reused by the thread that makes the call; its parts run on the pool.
     */
    static final class Job implements Parallel.RangeTask {
        private Pass pass;
        private ConvGeometry g;
        private int batch, filter, cols, hp, wq, wrow, plane, sample, wOff, bOff;
        /** Where tap t = (c, l, m) of an output row's first column reads the padded copy. */
        private int[] taps;
        /**
         * w is the weights, or dw for the weight gradient; bias likewise; y is y, or dx for the input
         * gradient; dy is dy with each output row padded to whole vectors by zeros.
         */
        private float[] padded, w, bias, y, dy;

        /**
         * Rows of hp padded rows per channel; a row holds the s phases of the stride, each wq long:
         * enough for the padded input and for whole vectors of output columns at every tap.
         */
        void layout(ConvGeometry g, int batch) {
            this.g = g;
            this.batch = batch;
            int s = g.strideW();
            filter = g.inC() * g.kH() * g.kW();
            cols = SimdGemm.roundUp(g.outW(), L);
            hp = g.inH() + 2 * g.padH();
            wq = Math.max((g.inW() + 2 * g.padW() + s - 1) / s, cols + (g.kW() - 1) * g.dilW() / s);
            wrow = s * wq;
            plane = hp * wrow;
            sample = g.inC() * plane;
            taps = Scratch.get().convRows(filter);
            for (int c = 0, t = 0; c < g.inC(); c++) {
                for (int l = 0; l < g.kH(); l++) {
                    for (int m = 0; m < g.kW(); m++, t++) {
                        int shift = m * g.dilW();
                        taps[t] = (c * hp + l * g.dilH()) * wrow + (shift % s) * wq + shift / s;
                    }
                }
            }
        }

        /** Where input column xc (padding not counted) sits within a padded row. */
        private int column(int xc) {
            int p = xc + g.padW(), s = g.strideW();
            return (p % s) * wq + p / s;
        }

        /** The batch's zero-bordered copy, in the calling thread's scratch. */
        float[] pad(float[] x) {
            float[] xp = Scratch.get().localPadded(batch * sample);
            Arrays.fill(xp, 0, batch * sample, 0f);
            int inH = g.inH(), inW = g.inW();
            for (int nc = 0; nc < batch * g.inC(); nc++) {
                for (int r = 0; r < inH; r++) {
                    int src = (nc * inH + r) * inW, dst = (nc * hp + r + g.padH()) * wrow;
                    if (g.strideW() == 1) System.arraycopy(x, src, xp, dst + g.padW(), inW);
                    else for (int xc = 0; xc < inW; xc++) xp[dst + column(xc)] = x[src + xc];
                }
            }
            return xp;
        }

        /**
         * dy with rows of cols values, the last ones zero, in the calling thread's scratch: the gradient
         * passes then read whole vectors with no mask (masked loads in their inner loops cost several
         * times a plain one), and a lane past the row adds 0·w, which changes no sum.
         */
        float[] rows(float[] dy) {
            int ow = g.outW(), rows = batch * g.outC() * g.outH();
            float[] d = Scratch.get().localRows(rows * cols);
            for (int r = 0; r < rows; r++) {
                System.arraycopy(dy, r * ow, d, r * cols, ow);
                Arrays.fill(d, r * cols + ow, (r + 1) * cols, 0f);
            }
            return d;
        }

        void start(Pass pass, Parallel pool, int count) {
            this.pass = pass;
            try {
                if (pool == null || pool.threads() == 1 || (long) batch * g.macs() < PARALLEL_FROM) run(0, 0, count);
                else pool.run(count, this);
            } finally {
                padded = w = bias = y = dy = null;
                taps = null;
                g = null;
            }
        }

        @Override
        public void run(int part, int from, int to) {
            switch (pass) {
                case FORWARD -> forwardRows(from, to);
                case INPUT -> inputChannels(from, to);
                case PARAMS -> paramsRows(from, to);
            }
        }

        /** y for output rows [from, to) of (outC·outH), every sample. */
        private void forwardRows(int from, int to) {
            int oh = g.outH(), ow = g.outW(), cells = g.outSize();
            float[] wt = Scratch.get().localFilters(filter * cols);
            for (int row = from; row < to; row++) {
                int q0 = row * ow, at = (row % oh) * g.strideH() * wrow;
                transpose(w, wOff + q0 * filter, ow, filter, 0, filter, wt, cols);
                for (int j0 = 0; j0 < ow; j0 += L) {
                    int n = 0;
                    for (; n + 4 <= batch; n += 4) forward4(wt, j0, ow, q0, n * sample + at + j0, n * cells + q0 + j0, cells);
                    for (; n < batch; n++) forward1(wt, j0, ow, q0, n * sample + at + j0, n * cells + q0 + j0);
                }
            }
        }

        /**
         * Past a's end a masked vector is checked lane by lane, allocating: the last cells go through the
         * thread's spare vector. Only arrays and offsets cross these calls: a vector or mask passed to a call
         * C2 does not inline is boxed (1.2 MB a training step of small-lc in some runs).
         */
        private static boolean fits(float[] a, int at) { return at + L <= a.length; }

        /** The spare vector holding a's n cells from at, zeros after them. */
        private static float[] spareFrom(float[] a, int at, int n) {
            float[] spare = Scratch.get().tile(L);
            Arrays.fill(spare, 0, L, 0f);
            System.arraycopy(a, at, spare, 0, Math.min(L, n));
            return spare;
        }

        /** The n cells a store put in the spare vector, to a from at. */
        private static void spareTo(float[] a, int at, int n) {
            System.arraycopy(Scratch.get().tile(L), 0, a, at, Math.min(L, n));
        }

        /**
         * Four samples at once: one load of each weight vector serves four sums in flight. Vectors and
         * masks are made inside each such method, never passed: a call C2 does not inline would box them.
         */
        private void forward4(float[] wt, int j0, int ow, int q0, int x0, int y0, int cells) {
            float[] xp = padded;
            int x1 = x0 + sample, x2 = x1 + sample, x3 = x2 + sample;
            VectorMask<Float> in = S.indexInRange(j0, ow);
            int bAt = bOff + q0 + j0;
            boolean whole = fits(bias, bAt);
            FloatVector b = FloatVector.fromArray(S, whole ? bias : spareFrom(bias, bAt, ow - j0), whole ? bAt : 0, in);
            FloatVector a0 = b, a1 = b, a2 = b, a3 = b;
            for (int t = 0; t < filter; t++) {
                FloatVector wv = FloatVector.fromArray(S, wt, t * cols + j0);
                int tap = taps[t];
                a0 = a0.add(wv.mul(FloatVector.fromArray(S, xp, x0 + tap)));
                a1 = a1.add(wv.mul(FloatVector.fromArray(S, xp, x1 + tap)));
                a2 = a2.add(wv.mul(FloatVector.fromArray(S, xp, x2 + tap)));
                a3 = a3.add(wv.mul(FloatVector.fromArray(S, xp, x3 + tap)));
            }
            if (fits(y, y0 + 3 * cells)) {
                a0.intoArray(y, y0, in);
                a1.intoArray(y, y0 + cells, in);
                a2.intoArray(y, y0 + 2 * cells, in);
                a3.intoArray(y, y0 + 3 * cells, in);
                return;
            }
            float[] spare = Scratch.get().tile(L);
            a0.intoArray(spare, 0);
            spareTo(y, y0, ow - j0);
            a1.intoArray(spare, 0);
            spareTo(y, y0 + cells, ow - j0);
            a2.intoArray(spare, 0);
            spareTo(y, y0 + 2 * cells, ow - j0);
            a3.intoArray(spare, 0);
            spareTo(y, y0 + 3 * cells, ow - j0);
        }

        private void forward1(float[] wt, int j0, int ow, int q0, int x0, int y0) {
            VectorMask<Float> in = S.indexInRange(j0, ow);
            int bAt = bOff + q0 + j0;
            boolean whole = fits(bias, bAt);
            FloatVector a = FloatVector.fromArray(S, whole ? bias : spareFrom(bias, bAt, ow - j0), whole ? bAt : 0, in);
            for (int t = 0; t < filter; t++) {
                a = a.add(FloatVector.fromArray(S, wt, t * cols + j0).mul(FloatVector.fromArray(S, padded, x0 + taps[t])));
            }
            if (fits(y, y0)) {
                a.intoArray(y, y0, in);
                return;
            }
            a.intoArray(Scratch.get().tile(L), 0);
            spareTo(y, y0, ow - j0);
        }

        /**
         * dw and dbias accumulate for output rows [from, to): each row's filter gradients are taken out
         * as (taps, columns), summed over the samples in order, and put back.
         */
        private void paramsRows(int from, int to) {
            int oh = g.outH(), ow = g.outW(), perSample = g.outC() * oh * cols;
            float[] wt = Scratch.get().localFilters(filter * cols);
            for (int row = from; row < to; row++) {
                int q0 = row * ow, at = (row % oh) * g.strideH() * wrow;
                transpose(w, wOff + q0 * filter, ow, filter, 0, filter, wt, cols);
                for (int j0 = 0; j0 < ow; j0 += L) {
                    int d0 = row * cols + j0;
                    for (int n0 = 0; n0 < batch; n0 += SAMPLES) {
                        int x0 = n0 * sample + at + j0, d = n0 * perSample + d0, count = Math.min(SAMPLES, batch - n0), t = 0;
                        for (; t + 4 <= filter; t += 4) params4(wt, t, j0, x0, d, perSample, count);
                        for (; t < filter; t++) params1(wt, t, j0, x0, d, perSample, count);
                    }
                    if (bias != null) {
                        biasRow(bOff + q0 + j0, ow - j0, j0, ow, d0, perSample);
                    }
                }
                untranspose(wt, cols, ow, filter, w, wOff + q0 * filter);
            }
        }

        /** dbias's n cells from at (columns j0 of ow) accumulate every sample's dy at d0, perSample apart. */
        private void biasRow(int at, int n, int j0, int ow, int d0, int perSample) {
            VectorMask<Float> in = S.indexInRange(j0, ow);
            boolean whole = fits(bias, at);
            FloatVector db = FloatVector.fromArray(S, whole ? bias : spareFrom(bias, at, n), whole ? at : 0, in);
            for (int s = 0; s < batch; s++) db = db.add(FloatVector.fromArray(S, dy, s * perSample + d0));
            if (whole) {
                db.intoArray(bias, at, in);
                return;
            }
            db.intoArray(Scratch.get().tile(L), 0);
            spareTo(bias, at, n);
        }

        /** Four taps held in registers while count samples go by, each adding dy·x. */
        private void params4(float[] wt, int t, int j0, int x0, int d0, int perSample, int count) {
            float[] xp = padded;
            int w0 = t * cols + j0, w1 = w0 + cols, w2 = w1 + cols, w3 = w2 + cols;
            int p0 = taps[t], p1 = taps[t + 1], p2 = taps[t + 2], p3 = taps[t + 3];
            FloatVector a0 = FloatVector.fromArray(S, wt, w0), a1 = FloatVector.fromArray(S, wt, w1);
            FloatVector a2 = FloatVector.fromArray(S, wt, w2), a3 = FloatVector.fromArray(S, wt, w3);
            for (int n = 0, xs = x0, ds = d0; n < count; n++, xs += sample, ds += perSample) {
                FloatVector d = FloatVector.fromArray(S, dy, ds);
                a0 = a0.add(d.mul(FloatVector.fromArray(S, xp, xs + p0)));
                a1 = a1.add(d.mul(FloatVector.fromArray(S, xp, xs + p1)));
                a2 = a2.add(d.mul(FloatVector.fromArray(S, xp, xs + p2)));
                a3 = a3.add(d.mul(FloatVector.fromArray(S, xp, xs + p3)));
            }
            a0.intoArray(wt, w0);
            a1.intoArray(wt, w1);
            a2.intoArray(wt, w2);
            a3.intoArray(wt, w3);
        }

        private void params1(float[] wt, int t, int j0, int x0, int d0, int perSample, int count) {
            int w0 = t * cols + j0, p = taps[t];
            FloatVector a = FloatVector.fromArray(S, wt, w0);
            for (int n = 0, xs = x0, ds = d0; n < count; n++, xs += sample, ds += perSample) {
                a = a.add(FloatVector.fromArray(S, dy, ds).mul(FloatVector.fromArray(S, padded, xs + p)));
            }
            a.intoArray(wt, w0);
        }

        /**
         * dx for input channels [c0, c1): summed in the padded copy, then its inside written out. Within
         * one output row the taps run from the last kernel column to the first, so that an input meets
         * its output columns in increasing order, as in the twin; the samples of a block are the inner
         * loop, so consecutive updates never touch the same memory.
         */
        private void inputChannels(int c0, int c1) {
            int oh = g.outH(), ow = g.outW(), perSample = g.outC() * oh * cols, kH = g.kH(), kW = g.kW();
            int t0 = c0 * kH * kW, nt = (c1 - c0) * kH * kW;
            float[] dxp = padded, wt = Scratch.get().localFilters(nt * cols);
            for (int n = 0; n < batch; n++) Arrays.fill(dxp, n * sample + c0 * plane, n * sample + c1 * plane, 0f);
            for (int row = 0; row < g.outC() * oh; row++) {
                int q0 = row * ow, at = (row % oh) * g.strideH() * wrow;
                transpose(w, wOff + q0 * filter, ow, filter, t0, nt, wt, cols);
                for (int j0 = 0; j0 < ow; j0 += L) {
                    for (int n0 = 0; n0 < batch; n0 += SAMPLES) {
                        int n1 = Math.min(batch, n0 + SAMPLES);
                        for (int m = kW - 1; m >= 0; m--) {
                            for (int c = c0; c < c1; c++) {
                                for (int l = 0; l < kH; l++) {
                                    int t = (c * kH + l) * kW + m;
                                    FloatVector wv = FloatVector.fromArray(S, wt, (t - t0) * cols + j0);
                                    int xs = n0 * sample + at + taps[t] + j0, ds = n0 * perSample + row * cols + j0;
                                    for (int n = n0; n < n1; n++, xs += sample, ds += perSample) {
                                        FloatVector.fromArray(S, dxp, xs).add(FloatVector.fromArray(S, dy, ds).mul(wv)).intoArray(dxp, xs);
                                    }
                                }
                            }
                        }
                    }
                }
            }
            int inH = g.inH(), inW = g.inW();
            for (int n = 0; n < batch; n++) {
                for (int c = c0; c < c1; c++) {
                    for (int r = 0; r < inH; r++) {
                        int dst = ((n * g.inC() + c) * inH + r) * inW, src = n * sample + (c * hp + r + g.padH()) * wrow;
                        if (g.strideW() == 1) System.arraycopy(dxp, src + g.padW(), y, dst, inW);
                        else for (int xc = 0; xc < inW; xc++) y[dst + xc] = dxp[src + column(xc)];
                    }
                }
            }
        }
    }

    /**
     * dst[t·ld + j] = src[off + j·f + t0 + t] for j < ow, t < nt: taps t0… of a row's filters, as rows,
     * each ending in zeros (a lane past the row then adds 0·0).
     */
    private static void transpose(float[] src, int off, int ow, int f, int t0, int nt, float[] dst, int ld) {
        for (int j = 0; j < ow; j++) {
            int s = off + j * f + t0;
            for (int t = 0; t < nt; t++) dst[t * ld + j] = src[s + t];
        }
        if (ow < ld) for (int t = 0; t < nt; t++) Arrays.fill(dst, t * ld + ow, (t + 1) * ld, 0f);
    }

    /** dst[off + j·f + t] = src[t·ld + j] for j < ow, t < f: the filters of a row back in place. */
    private static void untranspose(float[] src, int ld, int ow, int f, float[] dst, int off) {
        for (int j = 0; j < ow; j++) {
            int d = off + j * f;
            for (int t = 0; t < f; t++) dst[d + t] = src[t * ld + j];
        }
    }
}
