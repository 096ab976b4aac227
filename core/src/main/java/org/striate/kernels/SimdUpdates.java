package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The optimizers' parameter updates on the Vector API, split over the pool in whole vectors when a
 * model has {@link SimdElementwise#PARALLEL_FROM} parameters or more: the update streams four or five
 * arrays as long as the model through memory once, and on one thread it was a few percent of a
 * training step (fashion-cnn, 421,642 parameters: 0.37–0.42 ms of 7–12 ms a step on an AVX-512 machine).
 * Each computes exactly what its scalar twin ({@link UpdateKernels}) computes, bit for bit: the same
 * float operations in the same order, never fused into an FMA (sqrt and division are correctly
 * rounded in both), and momenta and moments below the smallest normal float stored as zero.
 */
final class SimdUpdates {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private SimdUpdates() {}

    /** One call's arguments, reused by the thread that makes the call; its parts run on the pool. */
    static final class Job implements Parallel.RangeTask {
        private boolean adam, nesterov;
        private int from, to;
        private float lr, mu, wd;
        private AdamTerms terms;
        private float[] params, grads, first, second;

        @Override
        public void run(int part, int lo, int hi) {
            int a = from + lo * L, b = Math.min(to, from + hi * L);
            if (adam) adam(params, grads, first, second, a, b, terms);
            else sgd(params, grads, first, a, b, lr, mu, wd, nesterov);
        }

        /** Runs the update over [from, to) on the pool; SGD's settings are set before, Adam's come in terms. */
        private void start(Parallel pool, boolean adam, float[] params, float[] grads, float[] first, float[] second, int from, int to,
                           AdamTerms terms) {
            this.adam = adam;
            this.params = params;
            this.grads = grads;
            this.first = first;
            this.second = second;
            this.from = from;
            this.to = to;
            this.terms = terms;
            try {
                pool.run((to - from + L - 1) / L, this);
            } finally {
                this.params = this.grads = this.first = this.second = null;  // let the arrays go
                this.terms = null;
            }
        }
    }

    /** Whether [from, to) runs on the calling thread: no pool to split over, or too few values to pay for the hand-off. */
    private static boolean serial(Parallel pool, int from, int to) {
        return pool == null || pool.threads() == 1 || to - from < SimdElementwise.PARALLEL_FROM;
    }

    static void sgd(Parallel pool, float[] params, float[] grads, float[] velocity, int from, int to, float lr, float mu, float wd,
                    boolean nesterov) {
        if (serial(pool, from, to)) {
            sgd(params, grads, velocity, from, to, lr, mu, wd, nesterov);
            return;
        }
        Job job = Scratch.get().updateJob();
        job.lr = lr;
        job.mu = mu;
        job.wd = wd;
        job.nesterov = nesterov;
        job.start(pool, false, params, grads, velocity, null, from, to, null);
    }

    static void adam(Parallel pool, float[] params, float[] grads, float[] m, float[] v, int from, int to, AdamTerms t) {
        if (serial(pool, from, to)) adam(params, grads, m, v, from, to, t);
        else Scratch.get().updateJob().start(pool, true, params, grads, m, v, from, to, t);
    }

    static void sgd(float[] params, float[] grads, float[] velocity, int from, int to, float lr, float mu, float wd, boolean nesterov) {
        int i = from;
        if (mu == 0) {
            for (int bound = to - L; i <= bound; i += L) {
                FloatVector p = FloatVector.fromArray(S, params, i);
                FloatVector g = FloatVector.fromArray(S, grads, i).add(p.mul(wd));
                p.sub(g.mul(lr)).intoArray(params, i);
            }
        } else {
            for (int bound = to - L; i <= bound; i += L) {
                FloatVector p = FloatVector.fromArray(S, params, i);
                FloatVector g = FloatVector.fromArray(S, grads, i).add(p.mul(wd));
                FloatVector v = flushed(FloatVector.fromArray(S, velocity, i).mul(mu).add(g));
                v.intoArray(velocity, i);
                p.sub((nesterov ? g.add(v.mul(mu)) : v).mul(lr)).intoArray(params, i);
            }
        }
        UpdateKernels.sgd(params, grads, velocity, i, to, lr, mu, wd, nesterov);
    }

    static void adam(float[] params, float[] grads, float[] m, float[] v, int from, int to, AdamTerms t) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) {
            FloatVector p = FloatVector.fromArray(S, params, i);
            FloatVector g = FloatVector.fromArray(S, grads, i).add(p.mul(t.coupled));
            FloatVector mi = flushed(FloatVector.fromArray(S, m, i).mul(t.beta1).add(g.mul(t.oneMinusBeta1)));
            FloatVector vi = flushed(FloatVector.fromArray(S, v, i).mul(t.beta2).add(g.mul(t.oneMinusBeta2).mul(g)));
            mi.intoArray(m, i);
            vi.intoArray(v, i);
            FloatVector denominator = vi.sqrt().div(t.sqrtCorrection2).add(t.epsilon);
            p.mul(t.shrink).sub(mi.mul(t.stepSize).div(denominator)).intoArray(params, i);
        }
        UpdateKernels.adam(params, grads, m, v, i, to, t);
    }

    /** Lanes below the smallest normal float as zero, as {@link UpdateKernels#flushed(float)} does one value. */
    private static FloatVector flushed(FloatVector v) { return v.blend(0f, v.abs().lt(Float.MIN_NORMAL)); }
}
