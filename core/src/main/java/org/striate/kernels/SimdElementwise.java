package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Element-wise kernels on the Vector API: ReLU, leaky ReLU, sigmoid, tanh (forward and backward),
 * the product that applies a dropout mask, and the sums of graph models. Each is a vector body and a
 * scalar tail over [from, to). A call of at least {@link #PARALLEL_FROM} values is cut into whole
 * vectors over the pool; its arguments travel in a {@link Job} held per thread, so no call allocates.
 *
 * <p>Every kernel but two computes exactly what its scalar twin ({@link ActivationKernels},
 * {@link MergeKernels}, {@link ScalarKernels}) computes, bit for bit: the same float operations in
 * the same order, never fused into an FMA. Sigmoid and tanh use the Vector API's float {@code EXP}
 * and {@code TANH} (SVML on x86), a few units in the last place from the scalar twin's double
 * {@code Math.exp} and {@code Math.tanh} rounded to float.
 */
final class SimdElementwise {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /**
     * Below this many values a call runs on the calling thread: the hand-off would cost more.
     * fashion-cnn's ReLU after its dense layer, 256 × 128 values run on the whole batch after the
     * pieces (DataParallel), took 62–181 µs split over two threads (at 1 << 15), under 50 unsplit.
     */
    static final int PARALLEL_FROM = 1 << 17;

    enum Op { RELU, RELU_BACKWARD, LEAKY_RELU, LEAKY_RELU_BACKWARD, SIGMOID, SIGMOID_BACKWARD, TANH, TANH_BACKWARD,
        MULTIPLY, ADD, ADD_RELU, ACCUMULATE }

    private SimdElementwise() {}

    /** One call's arguments, reused by the thread that makes the call; its parts run on the pool. */
    static final class Job implements Parallel.RangeTask {
        private Op op;
        private int n;
        private float alpha;
        private float[] a, b, out;

        @Override
        public void run(int part, int from, int to) { apply(op, alpha, a, b, out, from * L, Math.min(n, to * L)); }
    }

    /** out = op(a, b) over [0, n); b is unused by one-input operations, alpha only by leaky ReLU. */
    static void run(Parallel pool, Op op, int n, float alpha, float[] a, float[] b, float[] out) {
        if (n < PARALLEL_FROM || pool.threads() == 1) {
            apply(op, alpha, a, b, out, 0, n);
            return;
        }
        Job job = Scratch.get().elementwiseJob();
        job.op = op;
        job.n = n;
        job.alpha = alpha;
        job.a = a;
        job.b = b;
        job.out = out;
        try {
            pool.run((n + L - 1) / L, job);
        } finally {
            job.a = job.b = job.out = null;  // let the arrays go
        }
    }

    static void apply(Op op, float alpha, float[] a, float[] b, float[] out, int from, int to) {
        switch (op) {
            case RELU -> relu(a, out, from, to);
            case RELU_BACKWARD -> reluBackward(a, b, out, from, to);
            case LEAKY_RELU -> leakyRelu(alpha, a, out, from, to);
            case LEAKY_RELU_BACKWARD -> leakyReluBackward(alpha, a, b, out, from, to);
            case SIGMOID -> sigmoid(a, out, from, to);
            case SIGMOID_BACKWARD -> sigmoidBackward(a, b, out, from, to);
            case TANH -> tanh(a, out, from, to);
            case TANH_BACKWARD -> tanhBackward(a, b, out, from, to);
            case MULTIPLY -> multiply(a, b, out, from, to);
            case ADD -> add(a, b, out, from, to);
            case ADD_RELU -> addRelu(a, b, out, from, to);
            case ACCUMULATE -> SimdKernels.addInto(out, from, a, from, to - from);
        }
    }

    /** y = max(x, 0); x and y may be the same array. */
    static void relu(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) FloatVector.fromArray(S, x, i).max(0f).intoArray(y, i);
        for (; i < to; i++) y[i] = Math.max(x[i], 0f);
    }

    private static void reluBackward(float[] x, float[] dy, float[] dx, int from, int to) {
        FloatVector zero = FloatVector.zero(S);
        int i = from;
        for (int bound = to - L; i <= bound; i += L) {
            VectorMask<Float> on = FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f);
            zero.blend(FloatVector.fromArray(S, dy, i), on).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = x[i] > 0 ? dy[i] : 0f;
    }

    private static void leakyRelu(float alpha, float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            v.mul(alpha).blend(v, v.compare(VectorOperators.GT, 0f)).intoArray(y, i);
        }
        for (; i < to; i++) y[i] = x[i] > 0 ? x[i] : alpha * x[i];
    }

    private static void leakyReluBackward(float alpha, float[] x, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) {
            FloatVector d = FloatVector.fromArray(S, dy, i);
            d.mul(alpha).blend(d, FloatVector.fromArray(S, x, i).compare(VectorOperators.GT, 0f)).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = x[i] > 0 ? dy[i] : alpha * dy[i];
    }

    /**
     * With e = e^−|x|, which never overflows: 1 / (1 + e) for x ≥ 0 and e / (1 + e) below, the two
     * forms of the logistic function that stay exact at each end.
     */
    private static void sigmoid(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) {
            FloatVector v = FloatVector.fromArray(S, x, i);
            FloatVector e = v.abs().neg().lanewise(VectorOperators.EXP);
            FloatVector onePlus = e.add(1f);
            e.div(onePlus).blend(FloatVector.broadcast(S, 1f).div(onePlus), v.compare(VectorOperators.GE, 0f)).intoArray(y, i);
        }
        for (; i < to; i++) {
            float e = (float) Math.exp(-Math.abs(x[i]));
            y[i] = x[i] >= 0 ? 1f / (1f + e) : e / (1f + e);
        }
    }

    private static void sigmoidBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, dy, i).mul(yv).mul(yv.neg().add(1f)).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = dy[i] * y[i] * (1 - y[i]);
    }

    private static void tanh(float[] x, float[] y, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) FloatVector.fromArray(S, x, i).lanewise(VectorOperators.TANH).intoArray(y, i);
        for (; i < to; i++) y[i] = (float) Math.tanh(x[i]);
    }

    private static void tanhBackward(float[] y, float[] dy, float[] dx, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) {
            FloatVector yv = FloatVector.fromArray(S, y, i);
            FloatVector.fromArray(S, dy, i).mul(yv.mul(yv).neg().add(1f)).intoArray(dx, i);
        }
        for (; i < to; i++) dx[i] = dy[i] * (1 - y[i] * y[i]);
    }

    private static void multiply(float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) FloatVector.fromArray(S, a, i).mul(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        for (; i < to; i++) y[i] = a[i] * b[i];
    }

    private static void addRelu(float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        FloatVector zero = FloatVector.zero(S);
        for (int bound = to - L; i <= bound; i += L) {
            FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).max(zero).intoArray(y, i);
        }
        for (; i < to; i++) y[i] = Math.max(a[i] + b[i], 0f);
    }

    private static void add(float[] a, float[] b, float[] y, int from, int to) {
        int i = from;
        for (int bound = to - L; i <= bound; i += L) FloatVector.fromArray(S, a, i).add(FloatVector.fromArray(S, b, i)).intoArray(y, i);
        for (; i < to; i++) y[i] = a[i] + b[i];
    }
}
