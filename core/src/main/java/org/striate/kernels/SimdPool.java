package org.striate.kernels;

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
}
