package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Batch normalisation and global average pooling on the Vector API, split over the pool by channel
 * (each channel's statistics are a sum over the whole batch, so a channel belongs to one thread and
 * its sums are taken in one fixed order: results do not depend on the thread count). Each plane is
 * summed in float vector lanes and the planes' sums are added in double, so a statistic over a large
 * batch keeps float precision. {@link ChannelKernels} is the scalar twin.
 */
final class SimdChannels {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /** Below this many values a call runs on the calling thread: the hand-off would cost more. */
    private static final int PARALLEL_FROM = 1 << 15;

    private SimdChannels() {}

    /** Which loop a {@link Job} runs. */
    private enum Op { STATISTICS, FORWARD, TRAINING, BACKWARD, GAP_FORWARD, GAP_BACKWARD }

    /** One call's arguments, reused by the thread that makes the call, so that splitting it allocates nothing. */
    private static final class Job implements Parallel.RangeTask {
        Op op;
        int batch, channels, plane, gammaOff, betaOff, dGammaOff, dBetaOff;
        boolean batchStats, relu;
        float eps;
        float[] x, mean, second, third, params, dy, out, grads;

        @Override
        public void run(int part, int from, int to) {
            switch (op) {
                case STATISTICS -> statistics(batch, channels, plane, x, mean, second, from, to);
                case FORWARD -> forward(batch, channels, plane, x, mean, second, params, gammaOff, betaOff, Float.NEGATIVE_INFINITY, out, from, to);
                case TRAINING -> {
                    // each channel's statistics, then its normalisation, while its planes are still in cache
                    for (int c = from; c < to; c++) {
                        statistics(batch, channels, plane, x, mean, second, c, c + 1);
                        third[c] = (float) (1 / Math.sqrt(second[c] + eps));
                        forward(batch, channels, plane, x, mean, third, params, gammaOff, betaOff, relu ? 0f : Float.NEGATIVE_INFINITY, out, c, c + 1);
                    }
                }
                case BACKWARD -> backward(batch, channels, plane, x, mean, second, params, gammaOff, dy, batchStats,
                        out, grads, dGammaOff, dBetaOff, from, to);
                case GAP_FORWARD -> {
                    for (int nc = from; nc < to; nc++) out[nc] = (float) (sum(x, nc * plane, plane, 1, plane) / plane);
                }
                case GAP_BACKWARD -> {
                    // a plain fill, which C2 vectorises itself: a broadcast vector here was at times left to
                    // its Java fallback, an array per plane (98,304 bytes a resnet8 training step at batch 16)
                    for (int nc = from; nc < to; nc++) Arrays.fill(out, nc * plane, (nc + 1) * plane, dy[nc] / plane);
                }
            }
        }
    }

    private static final ThreadLocal<Job> JOBS = ThreadLocal.withInitial(Job::new);

    /** This thread's job, set to {@code op} over (batch, channels, plane) and x; the caller sets the rest. */
    private static Job job(Op op, int batch, int channels, int plane, float[] x) {
        Job j = JOBS.get();
        j.op = op;
        j.batch = batch;
        j.channels = channels;
        j.plane = plane;
        j.x = x;
        return j;
    }

    /** Runs the job over [0, count), split over the pool when the work pays for it; then lets go of its arrays. */
    private static void byChannel(Parallel pool, int count, long work, Job j) {
        try {
            if (work < PARALLEL_FROM || pool.threads() == 1) j.run(0, 0, count);
            else pool.run(count, j);
        } finally {
            j.x = j.mean = j.second = j.third = j.params = j.dy = j.out = j.grads = null;
        }
    }

    static void batchStatistics(Parallel pool, int batch, int channels, int plane, float[] x, float[] mean, float[] var) {
        Job j = job(Op.STATISTICS, batch, channels, plane, x);
        j.mean = mean;
        j.second = var;
        byChannel(pool, channels, (long) batch * channels * plane, j);
    }

    private static void statistics(int batch, int channels, int plane, float[] x, float[] mean, float[] var, int from, int to) {
        double count = (double) batch * plane;
        int stride = channels * plane;
        for (int c = from; c < to; c++) {
            float m = (float) (sum(x, c * plane, stride, batch, plane) / count);
            mean[c] = m;
            var[c] = (float) (squaredDeviation(x, c * plane, stride, batch, plane, m) / count);
        }
    }

    static void batchNormForward(Parallel pool, int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                 float[] params, int gammaOff, int betaOff, float[] y) {
        Job j = job(Op.FORWARD, batch, channels, plane, x);
        j.mean = mean;
        j.second = invStd;
        j.params = params;
        j.gammaOff = gammaOff;
        j.betaOff = betaOff;
        j.out = y;
        byChannel(pool, channels, (long) batch * channels * plane, j);
    }

    /**
     * {@link #batchStatistics} and {@link #batchNormForward} of training in one job split by channel,
     * invStd from var and eps between them, and max(y, 0) with {@code relu}: a channel's planes are
     * read three times while they are in cache, where the two calls and a ReLU after them read the
     * whole batch from memory three times. resnet8's first BatchNorm and ReLU (batch 64, 32 channels
     * of 28 × 28): two threads 386 → 239 µs, one thread 599 → 476 µs.
     */
    static void batchNormTraining(Parallel pool, int batch, int channels, int plane, float[] x, float eps, float[] mean,
                                  float[] var, float[] invStd, float[] params, int gammaOff, int betaOff, boolean relu, float[] y) {
        Job j = job(Op.TRAINING, batch, channels, plane, x);
        j.eps = eps;
        j.mean = mean;
        j.second = var;
        j.third = invStd;
        j.params = params;
        j.gammaOff = gammaOff;
        j.betaOff = betaOff;
        j.relu = relu;
        j.out = y;
        byChannel(pool, channels, (long) batch * channels * plane, j);
    }

    /** y = x·scale + shift per channel, then max(·, floor) (−∞: none). */
    private static void forward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                float[] params, int gammaOff, int betaOff, float floor, float[] y, int from, int to) {
        for (int c = from; c < to; c++) {
            float scale = params[gammaOff + c] * invStd[c];
            float shift = params[betaOff + c] - mean[c] * scale;
            for (int n = 0; n < batch; n++) scaleShift(x, y, (n * channels + c) * plane, plane, scale, shift, floor);
        }
    }

    static void batchNormBackward(Parallel pool, int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                  float[] params, int gammaOff, float[] dy, boolean batchStats,
                                  float[] dx, float[] grads, int dGammaOff, int dBetaOff) {
        Job j = job(Op.BACKWARD, batch, channels, plane, x);
        j.mean = mean;
        j.second = invStd;
        j.params = params;
        j.gammaOff = gammaOff;
        j.dy = dy;
        j.batchStats = batchStats;
        j.out = dx;
        j.grads = grads;
        j.dGammaOff = dGammaOff;
        j.dBetaOff = dBetaOff;
        byChannel(pool, channels, (long) batch * channels * plane, j);
    }

    private static void backward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                 float[] params, int gammaOff, float[] dy, boolean batchStats,
                                 float[] dx, float[] grads, int dGammaOff, int dBetaOff, int from, int to) {
        float count = (float) batch * plane;
        for (int c = from; c < to; c++) {
            float m = mean[c], inv = invStd[c];
            // Σdy and Σdy·(x − m); x̂ = (x − m)·inv, so Σdy·x̂ = inv·Σdy·(x − m)
            double sumDy = 0, sumDyCentered = 0;
            // both sums in one pass over dy and x, a group of planes at a time (see GROUP)
            int stride = channels * plane, group = group(plane);
            for (int n0 = 0; n0 < batch; n0 += group) {
                FloatVector accDy = FloatVector.zero(S), accCentered = FloatVector.zero(S);
                for (int n = n0, off = n0 * stride + c * plane; n < Math.min(batch, n0 + group); n++, off += stride) {
                    int i = 0;
                    for (int bound = plane - L; i <= bound; i += L) {
                        FloatVector d = FloatVector.fromArray(S, dy, off + i);
                        accDy = accDy.add(d);
                        accCentered = FloatVector.fromArray(S, x, off + i).sub(m).fma(d, accCentered);
                    }
                    for (; i < plane; i++) {
                        sumDy += dy[off + i];
                        sumDyCentered += (double) dy[off + i] * (x[off + i] - m);
                    }
                }
                sumDy += lanes(accDy);
                sumDyCentered += lanes(accCentered);
            }
            double sumDyXhat = sumDyCentered * inv;
            grads[dGammaOff + c] += (float) sumDyXhat;
            grads[dBetaOff + c] += (float) sumDy;
            float k = params[gammaOff + c] * inv;
            // dx = k·dy − k/M·Σdy − k/M·x̂·Σ(dy·x̂) = a·dy + b·(x − m) + d
            float a = k, b = batchStats ? (float) (-k / count * sumDyXhat * inv) : 0f, d = batchStats ? (float) (-k / count * sumDy) : 0f;
            for (int n = 0; n < batch; n++) backwardPlane(dy, x, dx, (n * channels + c) * plane, plane, m, a, b, d);
        }
    }

    static void globalAvgPoolForward(Parallel pool, int batch, int channels, int plane, float[] x, float[] y) {
        int planes = batch * channels;
        Job j = job(Op.GAP_FORWARD, batch, channels, plane, x);
        j.out = y;
        byChannel(pool, planes, (long) planes * plane, j);
    }

    static void globalAvgPoolBackward(Parallel pool, int batch, int channels, int plane, float[] dy, float[] dx) {
        int planes = batch * channels;
        Job j = job(Op.GAP_BACKWARD, batch, channels, plane, null);
        j.dy = dy;
        j.out = dx;
        byChannel(pool, planes, (long) planes * plane, j);
    }

    /**
     * Floats of planes summed in float lanes before their lanes are added into the double total: a
     * channel's small planes (a 7 × 7 plane is three vectors) are taken several at a time, so that
     * adding up the lanes does not cost more than the sums. A lane sums at most 64 floats of a group,
     * or its share of one plane where a plane is larger (as every plane did before groups).
     */
    private static final int GROUP = 1024;

    private static int group(int plane) { return Math.max(1, GROUP / plane); }

    /** Σ over count planes of len floats, the first at off and each stride after the last, of a. */
    private static double sum(float[] a, int off, int stride, int count, int len) {
        double s = 0;
        int group = group(len);
        for (int n0 = 0; n0 < count; n0 += group) {
            FloatVector acc = FloatVector.zero(S);
            for (int n = n0, at = off + n0 * stride; n < Math.min(count, n0 + group); n++, at += stride) {
                int i = 0;
                for (int bound = len - L; i <= bound; i += L) acc = acc.add(FloatVector.fromArray(S, a, at + i));
                for (; i < len; i++) s += a[at + i];
            }
            s += lanes(acc);
        }
        return s;
    }

    /** Σ (a − m)² over the planes of {@link #sum}. */
    private static double squaredDeviation(float[] a, int off, int stride, int count, int len, float m) {
        double s = 0;
        int group = group(len);
        for (int n0 = 0; n0 < count; n0 += group) {
            FloatVector acc = FloatVector.zero(S);
            for (int n = n0, at = off + n0 * stride; n < Math.min(count, n0 + group); n++, at += stride) {
                int i = 0;
                for (int bound = len - L; i <= bound; i += L) {
                    FloatVector d = FloatVector.fromArray(S, a, at + i).sub(m);
                    acc = d.fma(d, acc);
                }
                for (; i < len; i++) {
                    double d = a[at + i] - m;
                    s += d * d;
                }
            }
            s += lanes(acc);
        }
        return s;
    }

    /**
     * The lanes' sum, added in float by rotations in registers ({@link SimdGemm#sumLanes}, one fixed
     * order whatever the JIT has compiled): one lane at a time in double cost more than the sums on
     * small planes (a 7 × 7 plane is three vectors). resnet8's BatchNorm, batch 64, two threads,
     * statistics and forward / backward: 128 channels at 7 × 7 220 → 103 / 275 → 140 µs, 64 at 14 × 14
     * 190 → 125 / 228 → 156, 32 at 28 × 28 275 → 230 / 400 → 327.
     */
    private static double lanes(FloatVector v) {
        return SimdGemm.sumLanes(v);
    }

    private static void scaleShift(float[] x, float[] y, int off, int len, float scale, float shift, float floor) {
        int i = 0;
        for (int bound = len - L; i <= bound; i += L) FloatVector.fromArray(S, x, off + i).fma(scale, shift).max(floor).intoArray(y, off + i);
        for (; i < len; i++) y[off + i] = Math.max(x[off + i] * scale + shift, floor);
    }

    /** dx = a·dy + b·(x − m) + d over one plane. */
    private static void backwardPlane(float[] dy, float[] x, float[] dx, int off, int len, float m, float a, float b, float d) {
        FloatVector av = FloatVector.broadcast(S, a);
        int i = 0;
        for (int bound = len - L; i <= bound; i += L) {
            FloatVector centered = FloatVector.fromArray(S, x, off + i).sub(m);
            FloatVector.fromArray(S, dy, off + i).fma(av, centered.fma(b, d)).intoArray(dx, off + i);
        }
        for (; i < len; i++) dx[off + i] = a * dy[off + i] + (b * (x[off + i] - m) + d);
    }
}
