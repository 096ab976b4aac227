package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The 2×2 stride-2 max pool on vectors: two input vectors per row are split into their even and odd
 * lanes (left and right cells of each window), then compares and blends pick each window's first
 * maximum in window order and its flat index, exactly as {@link ScalarKernels} does, L outputs at once.
 */
final class SimdPool {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = S.length();
    private static final VectorShuffle<Float> EVEN = VectorShuffle.fromOp(S, i -> 2 * i);
    private static final VectorShuffle<Float> ODD = VectorShuffle.fromOp(S, i -> 2 * i + 1);
    private static final IntVector TWICE_IOTA = IntVector.zero(I).addIndex(2);
    /** Interleave two vectors' lanes: the first half of each (ZIP_LOW), then the second (ZIP_HIGH). */
    private static final VectorShuffle<Float> ZIP_LOW = VectorShuffle.fromOp(S, i -> i % 2 == 0 ? i / 2 : L + i / 2);
    private static final VectorShuffle<Float> ZIP_HIGH = VectorShuffle.fromOp(S, i -> i % 2 == 0 ? L / 2 + i / 2 : L + L / 2 + i / 2);

    private SimdPool() {}

    /** Planes [from, to) of a 2×2, stride 2, unpadded max pool. */
    static void max2x2Planes(PoolGeometry g, int from, int to, float[] x, float[] y, int[] arg) {
        // the thread's buffers, looked up once for all the planes
        Scratch scratch = Scratch.get();
        float[] values = scratch.tile(L);
        int[] indices = scratch.rows(L);
        float[] edge = scratch.poolEdge(4 * L);
        for (int nc = from; nc < to; nc++) max2x2Plane(g, nc, x, y, arg, values, indices, edge);
    }

    private static void max2x2Plane(PoolGeometry g, int nc, float[] x, float[] y, int[] arg, float[] values, int[] indices,
                                    float[] edge) {
        int oh = g.outH(), ow = g.outW(), inW = g.inW();
        int xBase = nc * g.inH() * inW, yBase = nc * oh * ow;
        for (int i = 0; i < oh; i++) {
            int r0 = 2 * i * inW, r1 = r0 + inW, yRow = yBase + i * ow;
            for (int j0 = 0; j0 < ow; j0 += L) {
                int n = Math.min(L, ow - j0), c = 2 * j0;
                FloatVector t0, t1, b0, b1;
                if (xBase + r1 + c + 2 * L <= x.length) {
                    // whole vectors: lanes past the row read the next row's cells, and those lanes'
                    // results are never stored; masked loads cost several times as much
                    t0 = FloatVector.fromArray(S, x, xBase + r0 + c);
                    t1 = FloatVector.fromArray(S, x, xBase + r0 + c + L);
                    b0 = FloatVector.fromArray(S, x, xBase + r1 + c);
                    b1 = FloatVector.fromArray(S, x, xBase + r1 + c + L);
                } else {
                    // the last cells of x: whole vectors from a copy of the 2n cells of each row (masked
                    // loads were at times left un-intrinsified by C2, an object per call); the lanes past
                    // them hold stale values whose results are never stored
                    System.arraycopy(x, xBase + r0 + c, edge, 0, 2 * n);
                    System.arraycopy(x, xBase + r1 + c, edge, 2 * L, 2 * n);
                    t0 = FloatVector.fromArray(S, edge, 0);
                    t1 = FloatVector.fromArray(S, edge, L);
                    b0 = FloatVector.fromArray(S, edge, 2 * L);
                    b1 = FloatVector.fromArray(S, edge, 3 * L);
                }
                FloatVector a = t0.rearrange(EVEN, t1), b = t0.rearrange(ODD, t1);
                FloatVector d = b0.rearrange(EVEN, b1), e = b0.rearrange(ODD, b1);
                IntVector aAt = TWICE_IOTA.add(r0 + c), dAt = TWICE_IOTA.add(r1 + c);
                VectorMask<Float> bWins = b.compare(VectorOperators.GT, a);
                FloatVector top = a.blend(b, bWins);
                IntVector topAt = aAt.blend(aAt.add(1), bWins.cast(I));
                // a NaN d never wins, so e still competes with the top row
                VectorMask<Float> eWins = e.compare(VectorOperators.GT, d).or(d.test(VectorOperators.IS_NAN));
                FloatVector bottom = d.blend(e, eWins);
                IntVector bottomAt = dAt.blend(dAt.add(1), eWins.cast(I));
                VectorMask<Float> down = bottom.compare(VectorOperators.GT, top);
                FloatVector best = top.blend(bottom, down);
                IntVector bestAt = topAt.blend(bottomAt, down.cast(I));
                if (n == L) {
                    best.intoArray(y, yRow + j0);
                    bestAt.intoArray(arg, yRow + j0);
                } else {
                    // a part row (rows of 14 or 7 in LeNet-sized nets): through a buffer, not a masked store
                    best.intoArray(values, 0);
                    bestAt.intoArray(indices, 0);
                    System.arraycopy(values, 0, y, yRow + j0, n);
                    System.arraycopy(indices, 0, arg, yRow + j0, n);
                }
            }
        }
    }

    /**
     * arg[at …] (count windows) = each window's winner, from the four values a pass that pools its own
     * output kept at sums[from …] (top-left, top-right, bottom-left, bottom-right, a vector each): the
     * first in window order of the largest. The pass's bias and ReLU come after: adding the same b and
     * rounding never reverse the order of two values (they can only make them equal, where either is a
     * winner), and where the ReLU makes all four zero the pooled value is zero and the gradient goes
     * nowhere. corner is the flat index of the first window's top-left cell, ow the full-size output's
     * width. A whole vector is stored when the caller says its spill lands where it writes later, else
     * count indices through {@code buffer}.
     */
    static void winners(float[] sums, int from, int corner, int ow, int[] arg, int at, int count, boolean whole, int[] buffer) {
        winners(sums, from, TWICE_LANES, corner, ow, arg, at, count, whole, buffer);
    }

    /** Lane k's window starts 2k cells after the first: the windows of one row. */
    private static final int[] TWICE_LANES = TWICE_IOTA.toArray();

    /** As above, lane k's window's top-left cell {@code corners[k]} after corner (windows of several rows in one vector). */
    static void winners(float[] sums, int from, int[] corners, int corner, int ow, int[] arg, int at, int count, boolean whole, int[] buffer) {
        FloatVector a = FloatVector.fromArray(S, sums, from), c = FloatVector.fromArray(S, sums, from + L);
        FloatVector d = FloatVector.fromArray(S, sums, from + 2 * L), e = FloatVector.fromArray(S, sums, from + 3 * L);
        FloatVector r = a.max(c).max(d.max(e));
        IntVector top = IntVector.fromArray(I, corners, 0).add(corner), bottom = top.add(ow);
        // from the last position back, so that the first equal one is the one left
        IntVector won = bottom.add(1);
        won = won.blend(bottom, d.compare(VectorOperators.EQ, r).cast(I));
        won = won.blend(top.add(1), c.compare(VectorOperators.EQ, r).cast(I));
        won = won.blend(top, a.compare(VectorOperators.EQ, r).cast(I));
        if (whole) {
            won.intoArray(arg, at);
        } else {
            won.intoArray(buffer, 0);
            System.arraycopy(buffer, 0, arg, at, count);
        }
    }

    /** Floats of the row buffer {@link #max2x2} needs for outputs {@code pw} wide. */
    static int rowBuffer(int pw) { return 2 * SimdGemm.roundUp(pw, L) + L; }

    /**
     * Inference: dst (planes, ⌊h/2⌋, ⌊w/2⌋) at dstOff writes the 2×2, stride-2 max of src (planes, h,
     * w; rows {@code rowStride} apart, planes {@code planeStride}) by Math.max's rule (a NaN wins), plus
     * plane p's bias (bias may be null), then max(·, 0) with {@code relu}: adding a constant and
     * rounding never changes which of four values is largest, so bias and ReLU after the max give the
     * values they give before it. No winner's index is kept. src needs 2L floats of slack after its
     * last row's w. Each pair of rows becomes their lane-wise max in {@code row}, whose even and odd
     * lanes then give the windows; whole vectors are stored past an output row's end (the spill lands on
     * outputs written next), except near the end of dst's block, which goes through {@code row}.
     */
    static void max2x2(float[] src, int srcOff, int planes, int h, int w, int rowStride, int planeStride,
                       float[] bias, int bOff, boolean relu, float[] dst, int dstOff, float[] row) {
        int ph = h / 2, pw = w / 2, pairs = 2 * SimdGemm.roundUp(pw, L), end = dstOff + planes * ph * pw;
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int p = 0; p < planes; p++) {
            float b = bias == null ? 0f : bias[bOff + p];
            for (int i = 0; i < ph; i++) {
                int r0 = srcOff + p * planeStride + 2 * i * rowStride, r1 = r0 + rowStride, to = dstOff + (p * ph + i) * pw;
                for (int j = 0; j < pairs; j += L) {
                    FloatVector.fromArray(S, src, r0 + j).max(FloatVector.fromArray(S, src, r1 + j)).intoArray(row, j);
                }
                for (int k = 0; k < pw; k += L) {
                    FloatVector x = FloatVector.fromArray(S, row, 2 * k), y = FloatVector.fromArray(S, row, 2 * k + L);
                    FloatVector m = x.rearrange(EVEN, y).max(x.rearrange(ODD, y)).add(b).max(floor);
                    if (to + k + L <= end) {
                        m.intoArray(dst, to + k);
                    } else {
                        m.intoArray(row, pairs);
                        System.arraycopy(row, pairs, dst, to + k, Math.min(L, pw - k));
                    }
                }
            }
        }
    }

    /**
     * Inference: planes [from, to) of a max pool with any window, stride and padding, by Math.max's
     * rule and with no winner's index. Each output row is two steps: the lane-wise max of its window's
     * input rows into a buffer bordered by −∞ (the padding never wins), then, for L outputs at a time,
     * the max over the window's columns: for strides 1 and 2 whole vectors of the buffer (at stride 2
     * their even lanes), for larger strides one output at a time.
     *
     * <p>No gathers, and each step a method of its own folding its vectors through memory: the version
     * with gathers, once the other built-in models had run in the same JVM, allocated 0.7–1.4 MB per
     * small-lc inference batch of 32 (C2 left vector operations to their Java fallback, an array per
     * vector). This one allocates nothing there and is faster: one thread, batch 32, 2×2/2 over 8 × 28
     * × 28 0.38 → 0.37 ms, over 16 × 14 × 14 0.28 → 0.13, resnet18's 3×3/2 stem pool 19.8 → 14.9.
     */
    static void maxValuesPlanes(PoolGeometry g, int from, int to, float[] x, float[] y) {
        int inH = g.inH(), inW = g.inW(), oh = g.outH(), ow = g.outW(), sH = g.strideH(), sW = g.strideW();
        int kW = g.kW(), padW = g.padW(), lastOut = SimdGemm.roundUp(ow, L);
        // whole vectors read up to 2L past the last window's first cell at stride 2
        int length = Math.max(padW + inW, (lastOut - 1) * sW + kW) + 2 * L;
        Scratch s = Scratch.get();
        float[] row = s.poolRow(length), part = s.tile(L);
        Arrays.fill(row, 0, length, Float.NEGATIVE_INFINITY);
        for (int nc = from; nc < to; nc++) {
            int plane = nc * inH * inW;
            for (int i = 0; i < oh; i++) {
                int r0 = Math.max(0, i * sH - g.padH()), r1 = Math.min(inH, i * sH - g.padH() + g.kH());
                windowRows(x, plane, inW, r0, r1, row, padW);
                int out = (nc * oh + i) * ow;
                if (sW <= 2) {
                    windowColumns(row, sW, kW, part, y, out, ow);
                } else {
                    for (int o = 0; o < ow; o++) {
                        float m = row[o * sW];
                        for (int t = 1; t < kW; t++) m = Math.max(m, row[o * sW + t]);
                        y[out + o] = m;
                    }
                }
            }
        }
    }

    /** row[padW …] = the lane-wise max of input rows [r0, r1) of the plane at {@code plane}. */
    private static void windowRows(float[] x, int plane, int inW, int r0, int r1, float[] row, int padW) {
        int whole = inW / L * L, first = plane + r0 * inW;
        // the first row copied, not moved through vectors: in some test orders C2 left vectors here
        // to their allocating Java fallback (2 MB a resnet18 batch-1 forward)
        System.arraycopy(x, first, row, padW, inW);
        for (int r = r0 + 1; r < r1; r++) {
            int at = plane + r * inW;
            for (int j = 0; j < whole; j += L) {
                FloatVector.fromArray(S, row, padW + j).max(FloatVector.fromArray(S, x, at + j)).intoArray(row, padW + j);
            }
            for (int j = whole; j < inW; j++) row[padW + j] = Math.max(row[padW + j], x[at + j]);
        }
    }

    /**
     * y[out …] (ow values) = the max over each window's kW columns of row, L outputs at a time through
     * part: at stride 1 the vector at o + t, at stride 2 the even lanes of the two at 2o + t.
     */
    private static void windowColumns(float[] row, int sW, int kW, float[] part, float[] y, int out, int ow) {
        // two loops rather than one choosing its vector by the stride: a vector chosen by a condition is boxed by C2
        for (int o = 0; o < ow; o += L) {
            if (sW == 1) {
                FloatVector.fromArray(S, row, o).intoArray(part, 0);
                for (int t = 1; t < kW; t++) FloatVector.fromArray(S, part, 0).max(FloatVector.fromArray(S, row, o + t)).intoArray(part, 0);
            } else {
                int at = 2 * o;
                FloatVector.fromArray(S, row, at).rearrange(EVEN, FloatVector.fromArray(S, row, at + L)).intoArray(part, 0);
                for (int t = 1; t < kW; t++) {
                    FloatVector.fromArray(S, part, 0)
                            .max(FloatVector.fromArray(S, row, at + t).rearrange(EVEN, FloatVector.fromArray(S, row, at + t + L)))
                            .intoArray(part, 0);
                }
            }
            System.arraycopy(part, 0, y, out + o, Math.min(L, ow - o));
        }
    }

    /**
     * dyExt (outC blocks of ld floats, each oh rows of wp) writes sample n's full-size gradient of a
     * ReLU and the 2×2 max pool after it, from the pooled gradient ({@link #spreadPlane}); sum's biases
     * (after the weightSize weights) accumulate the values spread.
     */
    static void spreadToWinners(ConvGeometry g, int n, float[] dy, float[] y, int[] arg, int wp, int ld, float[] dyExt, float[] sum) {
        int ph = g.outH() / 2, pw = g.outW() / 2;
        for (int o = 0; o < g.outC(); o++) {
            int p0 = (n * g.outC() + o) * ph * pw;
            Arrays.fill(dyExt, o * ld, (o + 1) * ld, 0f);
            spreadPlane(dy, y, arg, p0, ph, pw, g.outW(), dyExt, o * ld, wp);
            sum[g.weightSize() + o] += maskedSum(dy, y, p0, p0 + ph * pw);
        }
    }

    /** Σ dy[i] over [from, to) where y[i] > 0: a plane's bias gradient, L values at a time (the pooled plane is contiguous). */
    private static float maskedSum(float[] dy, float[] y, int from, int to) {
        FloatVector zero = FloatVector.zero(S), total = zero;
        int i = from;
        for (; i + L <= to; i += L) {
            total = total.add(FloatVector.fromArray(S, dy, i).blend(zero, FloatVector.fromArray(S, y, i).compare(VectorOperators.GT, 0f).not()));
        }
        float sum = SimdGemm.sumLanes(total);
        for (; i < to; i++) if (y[i] > 0) sum += dy[i];
        return sum;
    }

    /**
     * Planes [from, to) of {@link Kernels#pool2dBackwardPooledRelu} for a 2×2, stride-2, unpadded max
     * pool: each winner's own index, one window at a time without a branch.
     */
    static void unpoolPlanes(PoolGeometry g, int from, int to, float[] dy, float[] y, int[] arg, float[] dx) {
        int plane = g.inH() * g.inW(), pooled = g.outH() * g.outW();
        for (int nc = from; nc < to; nc++) {
            int base = nc * plane;
            Arrays.fill(dx, base, base + plane, 0f);
            for (int p = nc * pooled; p < (nc + 1) * pooled; p++) dx[base + arg[p]] = whereAboveZero(dy[p], y[p]);
        }
    }

    /**
     * d where y > 0, else 0, without a branch (half the windows of a ReLU's output would mispredict
     * one): all ones where y's bits are those of a float above zero, neither the sign bit nor all zeros
     * (−0 is masked too).
     */
    private static float whereAboveZero(float d, float y) {
        int bits = Float.floatToRawIntBits(y), keep = ~((bits - 1) | bits) >> 31;
        return Float.intBitsToFloat(Float.floatToRawIntBits(d) & keep);
    }

    /**
     * One plane of the gradient of a ReLU and the 2×2 max pool after it, into dst from dstOff (rows
     * rowStride apart; the caller zeroes it first): dy at each window's winner (arg, a flat index in a
     * plane ow wide) where the pooled value y is positive; ph × pw pooled values from p0. For L windows
     * at a time, each of the four cells takes its value where it won, and the two rows are written
     * whole, the left and right cells' lanes interleaved (fashion-cnn's first layer, 32 samples, one
     * thread: its backward 800–950 µs, against 1,180–1,210 with a branch-free store per window and
     * 1,280–1,320 with one behind a branch on the mask).
     */
    private static void spreadPlane(float[] dy, float[] y, int[] arg, int p0, int ph, int pw, int ow, float[] dst, int dstOff,
                                    int rowStride) {
        FloatVector zero = FloatVector.zero(S);
        for (int i = 0; i < ph; i++) {
            int p = p0 + i * pw, top = dstOff + 2 * i * rowStride, j = 0;
            for (; j + L <= pw; j += L) {
                FloatVector v = FloatVector.fromArray(S, dy, p + j).blend(zero, FloatVector.fromArray(S, y, p + j).compare(VectorOperators.GT, 0f).not());
                IntVector d = IntVector.fromArray(I, arg, p + j).sub(TWICE_IOTA.add(2 * (i * ow + j)));
                FloatVector left = zero.blend(v, d.compare(VectorOperators.EQ, 0).cast(S));
                FloatVector right = zero.blend(v, d.compare(VectorOperators.EQ, 1).cast(S));
                left.rearrange(ZIP_LOW, right).intoArray(dst, top + 2 * j);
                left.rearrange(ZIP_HIGH, right).intoArray(dst, top + 2 * j + L);
                left = zero.blend(v, d.compare(VectorOperators.EQ, ow).cast(S));
                right = zero.blend(v, d.compare(VectorOperators.EQ, ow + 1).cast(S));
                left.rearrange(ZIP_LOW, right).intoArray(dst, top + rowStride + 2 * j);
                left.rearrange(ZIP_HIGH, right).intoArray(dst, top + rowStride + 2 * j + L);
            }
            for (; j < pw; j++) {
                // the row's last windows one at a time, without branches: down is 1 where the winner's
                // offset from the window's corner is ow or more (the row below)
                int d = arg[p + j] - 2 * (i * ow + j), down = (ow - 1 - d) >>> 31;
                dst[top + down * rowStride + 2 * j + d - down * ow] = whereAboveZero(dy[p + j], y[p + j]);
            }
        }
    }
}
