package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense layer's forward pass for one row of x (inference at batch 1) on the kept panels of
 * {@link ChannelLaneDense} (for each panel of 64 units, (inputs, 64)): y = b + Σᵢ x[i]·w[:, i], units
 * in the lanes. Each input is one broadcast times a panel's four vectors of units, so every load is of
 * consecutive weights and eight sums are in flight (two inputs a step) without adding lanes up at the
 * end. The inputs are split over the threads, each reading a contiguous share of every panel into sums
 * of its own, which the calling thread adds in order (the same bits for a given thread count).
 *
 * <p>The dot products this replaces at batch 1 read four rows of w at once and ended by adding each
 * sum's lanes; smaller layers took a GEMM that packed w on every call. fashion-cnn's 3136 → 128 layer
 * alone, calls in one JVM: one thread 37.4 → 17.8 µs (weights past L2), two threads 11.7 → 9.9–10.7 µs
 * (weights in L2), measured on rows of all units, which the panels have since replaced.
 */
final class SingleRowDense {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = SimdGemm.L;
    /** Units per panel of the kept weights: a tile's four vectors. */
    private static final int CB = ChannelLaneTiles.CB;
    /** Multiply-adds below which the calling thread takes the whole row: a hand-off costs more. */
    private static final long SPLIT_MIN = 200_000;

    private SingleRowDense() {}

    /** Fixed weights of a unit count the channel-lane layout holds, on 512-bit vectors (whole blocks of 4 vectors). */
    static boolean applies(int out, float[] w) {
        return ChannelLaneDense.applies(out) && WeightCache.isFixed(w);
    }

    /** y (1, out) = x (1, in) · wᵀ + b, w (out, in) at wOff; inputs split over the pool when given. */
    static void forward(int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y, Parallel pool) {
        int units = ChannelLaneDense.paddedUnits(out);
        float[] wp = WeightCache.mine().panels(w, wOff, out, in);
        int parts = pool == null || (long) in * out < SPLIT_MIN ? 1 : Math.min(pool.threads(), in);
        Job job = JOB.get();
        float[] sums = job.sums(parts * units);
        if (parts == 1) {
            sum(x, wp, in, units, 0, in, sums, 0);
        } else {
            job.set(in, units, parts, x, wp);
            try {
                pool.run(parts, job);
            } finally {
                job.set(0, 0, 0, null, null);
            }
        }
        for (int o = 0; o < out; o++) {
            float v = b == null ? 0f : b[bOff + o];
            for (int p = 0; p < parts; p++) v += sums[p * units + o];
            y[o] = v;
        }
    }

    /** sums[at, at + units) = Σ over inputs [i0, i1) of x[i]·w[:units, i], from the panels of {@code in} inputs each. */
    static void sum(float[] x, float[] wp, int in, int units, int i0, int i1, float[] sums, int at) {
        for (int u = 0; u < units; u += CB) panel(x, wp, u * in, i0, i1, sums, at + u);
    }

    /** The panel of four vectors of units at wb in wp: two inputs a step, so eight sums are in flight. */
    private static void panel(float[] x, float[] wp, int wb, int i0, int i1, float[] sums, int at) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int i = i0, r = wb + i0 * CB;
        for (; i + 2 <= i1; i += 2, r += 2 * CB) {
            FloatVector xi = FloatVector.broadcast(S, x[i]), xj = FloatVector.broadcast(S, x[i + 1]);
            a0 = xi.fma(FloatVector.fromArray(S, wp, r), a0);
            a1 = xi.fma(FloatVector.fromArray(S, wp, r + L), a1);
            a2 = xi.fma(FloatVector.fromArray(S, wp, r + 2 * L), a2);
            a3 = xi.fma(FloatVector.fromArray(S, wp, r + 3 * L), a3);
            b0 = xj.fma(FloatVector.fromArray(S, wp, r + CB), b0);
            b1 = xj.fma(FloatVector.fromArray(S, wp, r + CB + L), b1);
            b2 = xj.fma(FloatVector.fromArray(S, wp, r + CB + 2 * L), b2);
            b3 = xj.fma(FloatVector.fromArray(S, wp, r + CB + 3 * L), b3);
        }
        if (i < i1) {
            FloatVector xi = FloatVector.broadcast(S, x[i]);
            a0 = xi.fma(FloatVector.fromArray(S, wp, r), a0);
            a1 = xi.fma(FloatVector.fromArray(S, wp, r + L), a1);
            a2 = xi.fma(FloatVector.fromArray(S, wp, r + 2 * L), a2);
            a3 = xi.fma(FloatVector.fromArray(S, wp, r + 3 * L), a3);
        }
        a0.add(b0).intoArray(sums, at);
        a1.add(b1).intoArray(sums, at + L);
        a2.add(b2).intoArray(sums, at + 2 * L);
        a3.add(b3).intoArray(sums, at + 3 * L);
    }

    private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

    /** Part p sums inputs [split(in, parts, p), split(in, parts, p + 1)) into its own run of sums. */
    private static final class Job implements Parallel.RangeTask {
        private int in, units, parts;
        private float[] x, wp, sums = new float[0];

        float[] sums(int n) {
            if (sums.length < n) sums = new float[n];
            return sums;
        }

        void set(int in, int units, int parts, float[] x, float[] wp) {
            this.in = in;
            this.units = units;
            this.parts = parts;
            this.x = x;
            this.wp = wp;
        }

        @Override
        public void run(int part, int from, int to) {
            for (int p = from; p < to; p++) {
                sum(x, wp, in, units, Parallel.split(in, parts, p), Parallel.split(in, parts, p + 1), sums, p * units);
            }
        }
    }
}
