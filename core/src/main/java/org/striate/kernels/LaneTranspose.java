package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * A 16 × 16 block of floats transposed in registers: sixteen loads, four rounds of lane permutes and
 * blends, sixteen stores. The channel-lane kernels turn (positions, channels) tiles back to
 * (channels, positions) with it: a 196 × 64 sample (fashion-cnn's second layer) in 2.2 µs, against
 * 7.3 by gathers of sixteen lanes; that layer's unpooled forward pass, one thread, medians of six
 * fresh JVMs taking turns, 48.9 → 45.4 µs a sample. Each round swaps the off-diagonal b × b sub-blocks of every 2b × 2b
 * block (b = 8, 4, 2, 1), which leaves each element (i, j) at (j, i). On 8-lane vectors (AVX2), the
 * same in 8 × 8 blocks, three rounds ({@link #block8}). {@link #transpose} and {@link #toChannelsFirst}
 * turn whole matrices with it, the columns past the last whole block a float at a time.
 */
final class LaneTranspose {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    /** Lanes per vector and rows per block. */
    static final int N = S.length();
    /** For each b: lane j takes lane j ^ b (neighbouring b-blocks swapped), and the lanes whose bit b is set. */
    private static final VectorShuffle<Float> X8 = N == 16 ? swap(8) : null, X4 = swap(4), X2 = swap(2), X1 = swap(1);
    private static final VectorMask<Float> M8 = N == 16 ? high(8) : null, M4 = high(4), M2 = high(2), M1 = high(1);

    private LaneTranspose() {}

    /** Whether blocks can be transposed here: vectors of 16 or 8 floats. */
    static boolean applies() { return N == 16 || N == 8; }

    /**
     * dst (cols, rows) = src (rows, cols) at srcOff, transposed; rows a multiple of N: blocks of 16 × 16 in
     * registers, the columns after the last whole block one float at a time.
     */
    static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst) {
        transpose(src, srcOff, rows, cols, dst, rows);
    }

    /** {@link #transpose} into rows of dst ld floats apart (ld ≥ rows; the floats past rows are left as they are). */
    static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int ld) {
        transpose(src, srcOff, rows, cols, dst, 0, ld);
    }

    /** {@link #transpose} into rows of dst ld floats apart from dstOff. */
    static void transpose(float[] src, int srcOff, int rows, int cols, float[] dst, int dstOff, int ld) {
        int c = 0;
        if (applies()) {
            for (; c + N <= cols; c += N) {
                for (int r = 0; r < rows; r += N) {
                    block(src, srcOff + r * cols + c, cols, dst, dstOff + c * ld + r, ld, null, 0, Float.NEGATIVE_INFINITY);
                }
            }
        }
        // the last columns (fewer than N) one float at a time, not by gathers: with gathers elsewhere in
        // the JVM, C2 at times left this one to its Java fallback, an array per gather (98 KB a
        // fashion-cnn training step, whose weight gradient reads each sample's positions through here)
        for (; c < cols; c++) {
            for (int r = 0; r < rows; r++) dst[dstOff + c * ld + r] = src[srcOff + r * cols + c];
        }
    }

    /**
     * dst (channels, dstPlane apart) at dstOff = max(acc (spatial, ld) transposed + bias, floor) for
     * channels [c0, c1): blocks of 16 positions × 16 channels transposed in registers
     * (by {@link #block}); the positions after the last whole block one by one, and every position
     * on other vector lengths (no gathers: C2 has left them to their allocating Java fallback).
     */
    static void toChannelsFirst(float[] acc, int accOff, int spatial, int ld, int c0, int c1, float[] bias, int bOff,
                                boolean relu, float[] dst, int dstOff, int dstPlane) {
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        int p = 0;
        if (applies()) {
            for (; p + N <= spatial; p += N) {
                for (int o = c0; o < c1; o += N) {
                    block(acc, accOff + p * ld + o, ld, dst, dstOff + o * dstPlane + p, dstPlane, bias, bOff + o, floor);
                }
            }
        }
        for (int o = c0; o < c1; o++) {
            float bv = bias == null ? 0f : bias[bOff + o];
            for (int q = p; q < spatial; q++) dst[dstOff + o * dstPlane + q] = Math.max(acc[accOff + q * ld + o] + bv, floor);
        }
    }

    private static VectorShuffle<Float> swap(int b) {
        int[] lanes = new int[N];
        for (int j = 0; j < N; j++) lanes[j] = j ^ b;
        return VectorShuffle.fromArray(S, lanes, 0);
    }

    private static VectorMask<Float> high(int b) {
        boolean[] set = new boolean[N];
        for (int j = 0; j < N; j++) set[j] = (j & b) != 0;
        return VectorMask.fromArray(S, set, 0);
    }

    /**
     * dst[dstOff + j·dstStride + i] = max(src[srcOff + i·srcStride + j] + bias[bOff + j], floor) for
     * i, j < {@link #N}; no bias when {@code bias} is null, no floor with −∞.
     */
    static void block(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, float[] bias, int bOff,
                      float floor) {
        if (N == 8) {
            block8(src, srcOff, srcStride, dst, dstOff, dstStride, bias, bOff, floor);
            return;
        }
        FloatVector r0 = FloatVector.fromArray(S, src, srcOff), r1 = FloatVector.fromArray(S, src, srcOff + srcStride);
        FloatVector r2 = FloatVector.fromArray(S, src, srcOff + 2 * srcStride), r3 = FloatVector.fromArray(S, src, srcOff + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(S, src, srcOff + 4 * srcStride), r5 = FloatVector.fromArray(S, src, srcOff + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(S, src, srcOff + 6 * srcStride), r7 = FloatVector.fromArray(S, src, srcOff + 7 * srcStride);
        FloatVector r8 = FloatVector.fromArray(S, src, srcOff + 8 * srcStride), r9 = FloatVector.fromArray(S, src, srcOff + 9 * srcStride);
        FloatVector r10 = FloatVector.fromArray(S, src, srcOff + 10 * srcStride), r11 = FloatVector.fromArray(S, src, srcOff + 11 * srcStride);
        FloatVector r12 = FloatVector.fromArray(S, src, srcOff + 12 * srcStride), r13 = FloatVector.fromArray(S, src, srcOff + 13 * srcStride);
        FloatVector r14 = FloatVector.fromArray(S, src, srcOff + 14 * srcStride), r15 = FloatVector.fromArray(S, src, srcOff + 15 * srcStride);
        FloatVector t;
        // each round: row i takes the b-blocks of row i + b it lacks, row i + b those of row i (bit b of j set in
        // the lanes row i + b keeps)
        // b = 8
        t = r0.blend(r8.rearrange(X8), M8); r8 = r0.rearrange(X8).blend(r8, M8); r0 = t;
        t = r1.blend(r9.rearrange(X8), M8); r9 = r1.rearrange(X8).blend(r9, M8); r1 = t;
        t = r2.blend(r10.rearrange(X8), M8); r10 = r2.rearrange(X8).blend(r10, M8); r2 = t;
        t = r3.blend(r11.rearrange(X8), M8); r11 = r3.rearrange(X8).blend(r11, M8); r3 = t;
        t = r4.blend(r12.rearrange(X8), M8); r12 = r4.rearrange(X8).blend(r12, M8); r4 = t;
        t = r5.blend(r13.rearrange(X8), M8); r13 = r5.rearrange(X8).blend(r13, M8); r5 = t;
        t = r6.blend(r14.rearrange(X8), M8); r14 = r6.rearrange(X8).blend(r14, M8); r6 = t;
        t = r7.blend(r15.rearrange(X8), M8); r15 = r7.rearrange(X8).blend(r15, M8); r7 = t;
        // b = 4
        t = r0.blend(r4.rearrange(X4), M4); r4 = r0.rearrange(X4).blend(r4, M4); r0 = t;
        t = r1.blend(r5.rearrange(X4), M4); r5 = r1.rearrange(X4).blend(r5, M4); r1 = t;
        t = r2.blend(r6.rearrange(X4), M4); r6 = r2.rearrange(X4).blend(r6, M4); r2 = t;
        t = r3.blend(r7.rearrange(X4), M4); r7 = r3.rearrange(X4).blend(r7, M4); r3 = t;
        t = r8.blend(r12.rearrange(X4), M4); r12 = r8.rearrange(X4).blend(r12, M4); r8 = t;
        t = r9.blend(r13.rearrange(X4), M4); r13 = r9.rearrange(X4).blend(r13, M4); r9 = t;
        t = r10.blend(r14.rearrange(X4), M4); r14 = r10.rearrange(X4).blend(r14, M4); r10 = t;
        t = r11.blend(r15.rearrange(X4), M4); r15 = r11.rearrange(X4).blend(r15, M4); r11 = t;
        // b = 2
        t = r0.blend(r2.rearrange(X2), M2); r2 = r0.rearrange(X2).blend(r2, M2); r0 = t;
        t = r1.blend(r3.rearrange(X2), M2); r3 = r1.rearrange(X2).blend(r3, M2); r1 = t;
        t = r4.blend(r6.rearrange(X2), M2); r6 = r4.rearrange(X2).blend(r6, M2); r4 = t;
        t = r5.blend(r7.rearrange(X2), M2); r7 = r5.rearrange(X2).blend(r7, M2); r5 = t;
        t = r8.blend(r10.rearrange(X2), M2); r10 = r8.rearrange(X2).blend(r10, M2); r8 = t;
        t = r9.blend(r11.rearrange(X2), M2); r11 = r9.rearrange(X2).blend(r11, M2); r9 = t;
        t = r12.blend(r14.rearrange(X2), M2); r14 = r12.rearrange(X2).blend(r14, M2); r12 = t;
        t = r13.blend(r15.rearrange(X2), M2); r15 = r13.rearrange(X2).blend(r15, M2); r13 = t;
        // b = 1
        t = r0.blend(r1.rearrange(X1), M1); r1 = r0.rearrange(X1).blend(r1, M1); r0 = t;
        t = r2.blend(r3.rearrange(X1), M1); r3 = r2.rearrange(X1).blend(r3, M1); r2 = t;
        t = r4.blend(r5.rearrange(X1), M1); r5 = r4.rearrange(X1).blend(r5, M1); r4 = t;
        t = r6.blend(r7.rearrange(X1), M1); r7 = r6.rearrange(X1).blend(r7, M1); r6 = t;
        t = r8.blend(r9.rearrange(X1), M1); r9 = r8.rearrange(X1).blend(r9, M1); r8 = t;
        t = r10.blend(r11.rearrange(X1), M1); r11 = r10.rearrange(X1).blend(r11, M1); r10 = t;
        t = r12.blend(r13.rearrange(X1), M1); r13 = r12.rearrange(X1).blend(r13, M1); r12 = t;
        t = r14.blend(r15.rearrange(X1), M1); r15 = r14.rearrange(X1).blend(r15, M1); r14 = t;
        // written out rather than through a helper: C2 would not inline one once compiled elsewhere, and a
        // row passed to a call is kept as an object. Without a bias, −0.0 is added: x + (−0.0) is x for every
        // x, −0.0 included, and max(x, −∞) is x, NaN included, so a plain transpose moves every bit as it was.
        float z = -0.0f;
        r0.add(bias == null ? z : bias[bOff]).max(floor).intoArray(dst, dstOff);
        r1.add(bias == null ? z : bias[bOff + 1]).max(floor).intoArray(dst, dstOff + dstStride);
        r2.add(bias == null ? z : bias[bOff + 2]).max(floor).intoArray(dst, dstOff + 2 * dstStride);
        r3.add(bias == null ? z : bias[bOff + 3]).max(floor).intoArray(dst, dstOff + 3 * dstStride);
        r4.add(bias == null ? z : bias[bOff + 4]).max(floor).intoArray(dst, dstOff + 4 * dstStride);
        r5.add(bias == null ? z : bias[bOff + 5]).max(floor).intoArray(dst, dstOff + 5 * dstStride);
        r6.add(bias == null ? z : bias[bOff + 6]).max(floor).intoArray(dst, dstOff + 6 * dstStride);
        r7.add(bias == null ? z : bias[bOff + 7]).max(floor).intoArray(dst, dstOff + 7 * dstStride);
        r8.add(bias == null ? z : bias[bOff + 8]).max(floor).intoArray(dst, dstOff + 8 * dstStride);
        r9.add(bias == null ? z : bias[bOff + 9]).max(floor).intoArray(dst, dstOff + 9 * dstStride);
        r10.add(bias == null ? z : bias[bOff + 10]).max(floor).intoArray(dst, dstOff + 10 * dstStride);
        r11.add(bias == null ? z : bias[bOff + 11]).max(floor).intoArray(dst, dstOff + 11 * dstStride);
        r12.add(bias == null ? z : bias[bOff + 12]).max(floor).intoArray(dst, dstOff + 12 * dstStride);
        r13.add(bias == null ? z : bias[bOff + 13]).max(floor).intoArray(dst, dstOff + 13 * dstStride);
        r14.add(bias == null ? z : bias[bOff + 14]).max(floor).intoArray(dst, dstOff + 14 * dstStride);
        r15.add(bias == null ? z : bias[bOff + 15]).max(floor).intoArray(dst, dstOff + 15 * dstStride);
    }

    /**
     * {@link #block} on 8-lane vectors, instead of a gather per 8 positions of a channel: through the
     * kernels, one thread, batch 128, fresh JVMs taking turns, resnet8's 32 → 64 stride-2 layer (each
     * sample's 196 × 64 sums turned back) 20.1–20.9 → 19.6 ms.
     */
    private static void block8(float[] src, int srcOff, int srcStride, float[] dst, int dstOff, int dstStride, float[] bias,
                               int bOff, float floor) {
        FloatVector r0 = FloatVector.fromArray(S, src, srcOff), r1 = FloatVector.fromArray(S, src, srcOff + srcStride);
        FloatVector r2 = FloatVector.fromArray(S, src, srcOff + 2 * srcStride), r3 = FloatVector.fromArray(S, src, srcOff + 3 * srcStride);
        FloatVector r4 = FloatVector.fromArray(S, src, srcOff + 4 * srcStride), r5 = FloatVector.fromArray(S, src, srcOff + 5 * srcStride);
        FloatVector r6 = FloatVector.fromArray(S, src, srcOff + 6 * srcStride), r7 = FloatVector.fromArray(S, src, srcOff + 7 * srcStride);
        FloatVector t;
        // b = 4
        t = r0.blend(r4.rearrange(X4), M4); r4 = r0.rearrange(X4).blend(r4, M4); r0 = t;
        t = r1.blend(r5.rearrange(X4), M4); r5 = r1.rearrange(X4).blend(r5, M4); r1 = t;
        t = r2.blend(r6.rearrange(X4), M4); r6 = r2.rearrange(X4).blend(r6, M4); r2 = t;
        t = r3.blend(r7.rearrange(X4), M4); r7 = r3.rearrange(X4).blend(r7, M4); r3 = t;
        // b = 2
        t = r0.blend(r2.rearrange(X2), M2); r2 = r0.rearrange(X2).blend(r2, M2); r0 = t;
        t = r1.blend(r3.rearrange(X2), M2); r3 = r1.rearrange(X2).blend(r3, M2); r1 = t;
        t = r4.blend(r6.rearrange(X2), M2); r6 = r4.rearrange(X2).blend(r6, M2); r4 = t;
        t = r5.blend(r7.rearrange(X2), M2); r7 = r5.rearrange(X2).blend(r7, M2); r5 = t;
        // b = 1
        t = r0.blend(r1.rearrange(X1), M1); r1 = r0.rearrange(X1).blend(r1, M1); r0 = t;
        t = r2.blend(r3.rearrange(X1), M1); r3 = r2.rearrange(X1).blend(r3, M1); r2 = t;
        t = r4.blend(r5.rearrange(X1), M1); r5 = r4.rearrange(X1).blend(r5, M1); r4 = t;
        t = r6.blend(r7.rearrange(X1), M1); r7 = r6.rearrange(X1).blend(r7, M1); r6 = t;
        float z = -0.0f; // as in block: a plain transpose moves every bit as it was
        r0.add(bias == null ? z : bias[bOff]).max(floor).intoArray(dst, dstOff);
        r1.add(bias == null ? z : bias[bOff + 1]).max(floor).intoArray(dst, dstOff + dstStride);
        r2.add(bias == null ? z : bias[bOff + 2]).max(floor).intoArray(dst, dstOff + 2 * dstStride);
        r3.add(bias == null ? z : bias[bOff + 3]).max(floor).intoArray(dst, dstOff + 3 * dstStride);
        r4.add(bias == null ? z : bias[bOff + 4]).max(floor).intoArray(dst, dstOff + 4 * dstStride);
        r5.add(bias == null ? z : bias[bOff + 5]).max(floor).intoArray(dst, dstOff + 5 * dstStride);
        r6.add(bias == null ? z : bias[bOff + 6]).max(floor).intoArray(dst, dstOff + 6 * dstStride);
        r7.add(bias == null ? z : bias[bOff + 7]).max(floor).intoArray(dst, dstOff + 7 * dstStride);
    }
}
