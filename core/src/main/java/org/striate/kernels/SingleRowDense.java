package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense layer's forward pass for one row of x (inference at batch 1) on the kept transposed weights
 * of {@link ChannelLaneDense} (inputs, units): y = b + Σᵢ x[i]·wt[i, :], units in the lanes. Each
 * input is one broadcast times a run of whole vectors of units, so every load is of consecutive
 * weights and eight sums are in flight without adding lanes up at the end. The inputs are split over
 * the threads, each reading a contiguous share of the weights into sums of its own, which the calling
 * thread adds in order (the same bits for a given thread count).
 *
 * <p>The dot products this replaces at batch 1 read four rows of w at once and ended by adding each
 * sum's lanes; smaller layers took a GEMM that packed w on every call. fashion-cnn's 3136 → 128 layer
 * alone, calls in one JVM: one thread 37.4 → 17.8 µs (weights past L2), two threads 11.7 → 9.9–10.7 µs
 * (weights in L2). Whole models at batch 1, blocks of 200 calls taking turns in one JVM (old → new):
 * lenet5 14.6 → 13.8 and 13.4 → 13.1 µs, mlp 12.7 → 12.5, fashion-cnn 54.1 → 53.5, 45.8 → 44.4 and
 * 53.5 → 55.9 (within its noise).
 */
final class SingleRowDense {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = SimdGemm.L;
    /** Multiply-adds below which the calling thread takes the whole row: a hand-off costs more. */
    private static final long SPLIT_MIN = 200_000;

    private SingleRowDense() {}

    /** Fixed weights of a unit count the channel-lane layout holds, on 512-bit vectors (whole blocks of 4 vectors). */
    static boolean applies(int out, float[] w) {
        return ChannelLaneDense.applies(out) && WeightCache.isFixed(w);
    }

    /** y (1, out) = x (1, in) · wᵀ + b, w (out, in) at wOff; inputs split over the pool when given. */
    static void forward(int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y, Parallel pool) {
        int units = ChannelLaneDense.paddedUnits(out), ld = ChannelLaneDense.lead(units);
        float[] wt = WeightCache.mine().transposed(w, wOff, out, in, ld);
        int parts = pool == null || (long) in * out < SPLIT_MIN ? 1 : Math.min(pool.threads(), in);
        Job job = JOB.get();
        float[] sums = job.sums(parts * units);
        if (parts == 1) {
            sum(x, wt, ld, units, 0, in, sums, 0);
        } else {
            job.set(in, units, ld, parts, x, wt);
            try {
                pool.run(parts, job);
            } finally {
                job.set(0, 0, 0, 0, null, null);
            }
        }
        for (int o = 0; o < out; o++) {
            float v = b == null ? 0f : b[bOff + o];
            for (int p = 0; p < parts; p++) v += sums[p * units + o];
            y[o] = v;
        }
    }

    /** sums[at, at + units) = Σ over inputs [i0, i1) of x[i]·wt[i, :units]; units a multiple of 4 vectors. */
    static void sum(float[] x, float[] wt, int ld, int units, int i0, int i1, float[] sums, int at) {
        int u = 0;
        for (; u + 8 * L <= units; u += 8 * L) eight(x, wt, ld, u, i0, i1, sums, at + u);
        for (; u < units; u += 4 * L) four(x, wt, ld, u, i0, i1, sums, at + u);
    }

    /** Eight vectors of units from column u: one input a step, eight sums in flight. */
    private static void eight(float[] x, float[] wt, int ld, int u, int i0, int i1, float[] sums, int at) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
        for (int i = i0, r = i0 * ld + u; i < i1; i++, r += ld) {
            FloatVector xi = FloatVector.broadcast(S, x[i]);
            a0 = xi.fma(FloatVector.fromArray(S, wt, r), a0);
            a1 = xi.fma(FloatVector.fromArray(S, wt, r + L), a1);
            a2 = xi.fma(FloatVector.fromArray(S, wt, r + 2 * L), a2);
            a3 = xi.fma(FloatVector.fromArray(S, wt, r + 3 * L), a3);
            a4 = xi.fma(FloatVector.fromArray(S, wt, r + 4 * L), a4);
            a5 = xi.fma(FloatVector.fromArray(S, wt, r + 5 * L), a5);
            a6 = xi.fma(FloatVector.fromArray(S, wt, r + 6 * L), a6);
            a7 = xi.fma(FloatVector.fromArray(S, wt, r + 7 * L), a7);
        }
        a0.intoArray(sums, at);
        a1.intoArray(sums, at + L);
        a2.intoArray(sums, at + 2 * L);
        a3.intoArray(sums, at + 3 * L);
        a4.intoArray(sums, at + 4 * L);
        a5.intoArray(sums, at + 5 * L);
        a6.intoArray(sums, at + 6 * L);
        a7.intoArray(sums, at + 7 * L);
    }

    /** Four vectors of units from column u: two inputs a step, so eight sums are in flight here too. */
    private static void four(float[] x, float[] wt, int ld, int u, int i0, int i1, float[] sums, int at) {
        FloatVector a0 = FloatVector.zero(S), a1 = a0, a2 = a0, a3 = a0, b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        int i = i0, r = i0 * ld + u;
        for (; i + 2 <= i1; i += 2, r += 2 * ld) {
            FloatVector xi = FloatVector.broadcast(S, x[i]), xj = FloatVector.broadcast(S, x[i + 1]);
            a0 = xi.fma(FloatVector.fromArray(S, wt, r), a0);
            a1 = xi.fma(FloatVector.fromArray(S, wt, r + L), a1);
            a2 = xi.fma(FloatVector.fromArray(S, wt, r + 2 * L), a2);
            a3 = xi.fma(FloatVector.fromArray(S, wt, r + 3 * L), a3);
            b0 = xj.fma(FloatVector.fromArray(S, wt, r + ld), b0);
            b1 = xj.fma(FloatVector.fromArray(S, wt, r + ld + L), b1);
            b2 = xj.fma(FloatVector.fromArray(S, wt, r + ld + 2 * L), b2);
            b3 = xj.fma(FloatVector.fromArray(S, wt, r + ld + 3 * L), b3);
        }
        if (i < i1) {
            FloatVector xi = FloatVector.broadcast(S, x[i]);
            a0 = xi.fma(FloatVector.fromArray(S, wt, r), a0);
            a1 = xi.fma(FloatVector.fromArray(S, wt, r + L), a1);
            a2 = xi.fma(FloatVector.fromArray(S, wt, r + 2 * L), a2);
            a3 = xi.fma(FloatVector.fromArray(S, wt, r + 3 * L), a3);
        }
        a0.add(b0).intoArray(sums, at);
        a1.add(b1).intoArray(sums, at + L);
        a2.add(b2).intoArray(sums, at + 2 * L);
        a3.add(b3).intoArray(sums, at + 3 * L);
    }

    private static final ThreadLocal<Job> JOB = ThreadLocal.withInitial(Job::new);

    /** Part p sums inputs [split(in, parts, p), split(in, parts, p + 1)) into its own run of sums. */
    private static final class Job implements Parallel.RangeTask {
        private int in, units, ld, parts;
        private float[] x, wt, sums = new float[0];

        float[] sums(int n) {
            if (sums.length < n) sums = new float[n];
            return sums;
        }

        void set(int in, int units, int ld, int parts, float[] x, float[] wt) {
            this.in = in;
            this.units = units;
            this.ld = ld;
            this.parts = parts;
            this.x = x;
            this.wt = wt;
        }

        @Override
        public void run(int part, int from, int to) {
            for (int p = from; p < to; p++) {
                sum(x, wt, ld, units, Parallel.split(in, parts, p), Parallel.split(in, parts, p + 1), sums, p * units);
            }
        }
    }
}
