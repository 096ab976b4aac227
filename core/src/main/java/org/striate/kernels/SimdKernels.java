package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * Kernels on the Vector API and a fixed thread pool. Convolution, dense layers and GEMM run on
 * {@link SimdGemm}; convolutions at stride 1 read shifted views of a padded sample instead of an
 * im2col copy ({@link SimdConv}); the locally connected layer has loops of its own ({@link SimdLocal}).
 * Weight gradients are accumulated per thread part and summed in part order. Whole batches are split
 * over threads; a batch smaller than the pool splits each GEMM's columns instead (batch-1 latency).
 *
 * <p>Loaded only by reflection from {@link KernelProvider}, so the library runs without the module.
 */
public final class SimdKernels implements Kernels, AutoCloseable {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();

    private final Parallel pool;

    public SimdKernels(int threads) {
        if (S.vectorBitSize() < 256) {
            throw new UnsupportedOperationException("the preferred vector width is " + S.vectorBitSize()
                    + " bits; SIMD kernels need at least 256");
        }
        this.pool = new Parallel(threads);
    }

    /** Bits in the preferred float vector of this CPU, e.g. 512. */
    public static int vectorBits() { return S.vectorBitSize(); }

    public int threads() { return pool.threads(); }

    /** Stops the pool's idle workers; called when another kernel set replaces this one. */
    @Override
    public void close() { pool.close(); }

    /** The pool, shared with callers that want the same threads (the benchmark's peak FLOP/s). */
    @Override
    public Parallel pool() { return pool; }

    @Override
    public String name() {
        return "simd-" + S.vectorBitSize() + " " + pool.threads() + (pool.threads() == 1 ? " thread" : " threads");
    }

    @Override
    public void gemm(boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                     float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        SimdGemm.gemm(transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool);
    }

    // ---- convolution: see SimdConv (stride 1) and Im2colConv (other strides, 1×1) ----

    @Override
    public void conv2dForward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        SimdConv.forward(g, batch, x, w, wOff, bias, bOff, y, false, pool);
    }

    @Override
    public void conv2dForwardRelu(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        SimdConv.forward(g, batch, x, w, wOff, bias, bOff, y, true, pool);
    }

    @Override
    public void conv2dForwardAdd(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] residual,
                                 boolean relu, float[] y) {
        SimdConv.forward(g, batch, x, w, wOff, bias, bOff, y, relu, false, residual, pool);
    }

    @Override
    public void conv2dForwardReluMaxPool(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        SimdConv.forward(g, batch, x, w, wOff, bias, bOff, y, true, true, pool);
    }

    /**
     * Windows other than 2×2 {@link PooledLaneConv} where the channel-lane tiles take the convolution;
     * the rest as the interface's default: a 2×2 pool by {@link #conv2dForwardReluMaxPool}'s passes
     * (Winograd's tiles as windows), others the full output into a buffer, then the pool.
     */
    @Override
    public void conv2dForwardReluPool(ConvGeometry g, PoolGeometry p, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff,
                                      float[] y) {
        if (!p.halvesByMax() && PooledLaneConv.applies(g, p)) {
            PooledLaneConv.forward(g, p, batch, x, w, wOff, bias, bOff, y, pool);
            return;
        }
        Kernels.super.conv2dForwardReluPool(g, p, batch, x, w, wOff, bias, bOff, y);
    }

    /**
     * A first layer's few taps take {@link SimdPooledConv}'s pass, a 3×3 layer of many channels
     * Winograd's (its tiles are the windows); other convolutions write their full-size output to a
     * buffer of the calling thread's and pool it as an unfused pair would.
     */
    @Override
    public void conv2dForwardReluMaxPoolArg(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff,
                                            float[] y, int[] arg) {
        if (SimdPooledConv.applies(g)) {
            SimdPooledConv.training(pool, g, batch, x, w, wOff, bias, bOff, y, arg);
            return;
        }
        if (WinogradConv.pays(g, batch)) {
            WinogradConv.forward(g, batch, x, WeightCache.mine().winograd(g, w, wOff), bias, bOff, y, true, true, arg, null, pool);
            return;
        }
        float[] full = Scratch.get().unpooled(batch * g.outSize());
        conv2dForwardRelu(g, batch, x, w, wOff, bias, bOff, full);
        pool2dForward(ConvCall.mine().halved(g), batch, full, y, arg);
    }

    /**
     * A first layer of few taps takes its gradient from the pooled one ({@link PooledWeightGrad}); where
     * the weight gradient goes sample by sample over shifted views, each sample's gradient is spread
     * from the pooled one straight into the buffer the product reads; otherwise the full-size
     * gradient goes through a buffer of the calling thread's.
     */
    @Override
    public void conv2dBackwardParamsMaxPooled(ConvGeometry g, int batch, float[] x, float[] dy, float[] y, int[] arg,
                                              float[] dw, int dwOff, float[] dbias, int dbOff) {
        if (PooledWeightGrad.applies(g) || SimdConv.paramsBySample(g, batch)) {
            SimdConv.backwardParamsMaxPooled(g, batch, x, dy, y, arg, dw, dwOff, dbias, dbOff, pool);
            return;
        }
        float[] full = Scratch.get().unpooled(batch * g.outSize());
        pool2dBackwardPooledRelu(ConvCall.mine().halved(g), batch, dy, arg, y, full);
        conv2dBackwardParams(g, batch, x, full, dw, dwOff, dbias, dbOff);
    }

    @Override
    public void conv2dBackwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) {
        SimdConv.backwardInput(g, batch, dy, w, wOff, dx, pool);
    }

    @Override
    public void conv2dBackwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) {
        SimdConv.backwardParams(g, batch, x, dy, dw, dwOff, dbias, dbOff, pool);
    }

    // ---- locally connected: see SimdLocal ----

    @Override
    public void localForward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        SimdLocal.forward(g, batch, x, w, wOff, bias, bOff, y, pool);
    }

    @Override
    public void localBackwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) {
        SimdLocal.backwardInput(g, batch, dy, w, wOff, dx, pool);
    }

    @Override
    public void localBackwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) {
        SimdLocal.backwardParams(g, batch, x, dy, dw, dwOff, dbias, dbOff, pool);
    }

    // ---- dense ----

    @Override
    public void denseForward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y) {
        SimdDense.forward(batch, in, out, x, w, wOff, b, bOff, y, pool);
    }

    @Override
    public void denseBackward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] dy,
                              float[] dx, float[] dw, int dwOff, float[] db, int dbOff) {
        if (dx != null) SimdGemm.gemm(false, false, batch, in, out, dy, 0, out, w, wOff, in, 0f, dx, 0, in, pool);
        SimdGemm.gemm(true, false, out, in, batch, dy, 0, out, x, 0, in, 1f, dw, dwOff, in, pool);
        if (db != null) {
            for (int n = 0; n < batch; n++) addInto(db, dbOff, dy, n * out, out);
        }
    }

    // ---- pooling ----

    @Override
    public void pool2dForward(PoolGeometry g, int batch, float[] x, float[] y, int[] arg) { poolForward(g, batch, x, y, arg, false); }

    @Override
    public void maxPool2dForward(PoolGeometry g, int batch, float[] x, float[] y) { poolForward(g, batch, x, y, null, true); }

    /** Training's pooling (with the winners' indices in arg) or, with {@code valuesOnly}, inference's max pool. */
    private void poolForward(PoolGeometry g, int batch, float[] x, float[] y, int[] arg, boolean valuesOnly) {
        int planes = batch * g.channels();
        SplitJobs.Pool job = SplitJobs.get().pool;
        job.backward = false;
        job.valuesOnly = valuesOnly;
        job.max2x2 = g.halvesByMax();
        job.g = g;
        job.x = x;
        job.y = y;
        job.arg = arg;
        runPooling(job, planes, planes * g.outH() * g.outW() < 16_384);
    }

    @Override
    public void pool2dBackward(PoolGeometry g, int batch, float[] dy, int[] arg, float[] dx) {
        pool2dBackwardRelu(g, batch, dy, arg, null, dx);
    }

    /** reluOut null: pooling alone. */
    @Override
    public void pool2dBackwardRelu(PoolGeometry g, int batch, float[] dy, int[] arg, float[] reluOut, float[] dx) {
        backwardPooling(g, batch, dy, arg, reluOut, false, dx);
    }

    /**
     * One pass over each plane, split over planes ({@link SimdPool#unpoolPlanes}): fashion-cnn's second
     * pool, 32 samples, one thread, 150–164 µs, as fast as the ReLU's mask on the pooled gradient and then
     * pool2dBackward (156–163), and faster than the mask taken from a full-size output (210–222).
     */
    @Override
    public void pool2dBackwardPooledRelu(PoolGeometry g, int batch, float[] dy, int[] arg, float[] y, float[] dx) {
        backwardPooling(g, batch, dy, arg, y, true, dx);
    }

    /** mask: the ReLU's output, full-size (or null) or, with {@code pooledMask}, the pool's own. */
    private void backwardPooling(PoolGeometry g, int batch, float[] dy, int[] arg, float[] mask, boolean pooledMask, float[] dx) {
        int planes = batch * g.channels();
        SplitJobs.Pool job = SplitJobs.get().pool;
        job.backward = true;
        job.pooledMask = pooledMask;
        job.valuesOnly = false;
        job.g = g;
        job.dy = dy;
        job.arg = arg;
        job.reluOut = mask;
        job.dx = dx;
        runPooling(job, planes, planes * g.inH() * g.inW() < 32_768);
    }

    private void runPooling(SplitJobs.Pool job, int planes, boolean serial) {
        try {
            if (serial) job.run(0, 0, planes);
            else pool.run(planes, job);
        } finally {
            job.clear();
        }
    }

    // ---- element-wise: see SimdElementwise ----

    @Override
    public void reluForward(int n, float[] x, float[] y) { SimdElementwise.run(pool, SimdElementwise.Op.RELU, n, 0f, x, null, y); }

    @Override
    public void reluBackward(int n, float[] x, float[] dy, float[] dx) {
        SimdElementwise.run(pool, SimdElementwise.Op.RELU_BACKWARD, n, 0f, x, dy, dx);
    }

    @Override
    public void leakyReluForward(int n, float alpha, float[] x, float[] y) {
        SimdElementwise.run(pool, SimdElementwise.Op.LEAKY_RELU, n, alpha, x, null, y);
    }

    @Override
    public void leakyReluBackward(int n, float alpha, float[] x, float[] dy, float[] dx) {
        SimdElementwise.run(pool, SimdElementwise.Op.LEAKY_RELU_BACKWARD, n, alpha, x, dy, dx);
    }

    @Override
    public void sigmoidForward(int n, float[] x, float[] y) { SimdElementwise.run(pool, SimdElementwise.Op.SIGMOID, n, 0f, x, null, y); }

    @Override
    public void sigmoidBackward(int n, float[] y, float[] dy, float[] dx) {
        SimdElementwise.run(pool, SimdElementwise.Op.SIGMOID_BACKWARD, n, 0f, y, dy, dx);
    }

    @Override
    public void tanhForward(int n, float[] x, float[] y) { SimdElementwise.run(pool, SimdElementwise.Op.TANH, n, 0f, x, null, y); }

    @Override
    public void tanhBackward(int n, float[] y, float[] dy, float[] dx) {
        SimdElementwise.run(pool, SimdElementwise.Op.TANH_BACKWARD, n, 0f, y, dy, dx);
    }

    @Override
    public void multiply(int n, float[] a, float[] b, float[] y) { SimdElementwise.run(pool, SimdElementwise.Op.MULTIPLY, n, 0f, a, b, y); }

    @Override
    public void add(int n, float[] a, float[] b, float[] y) { SimdElementwise.run(pool, SimdElementwise.Op.ADD, n, 0f, a, b, y); }

    @Override
    public void addRelu(int n, float[] a, float[] b, float[] y) { SimdElementwise.run(pool, SimdElementwise.Op.ADD_RELU, n, 0f, a, b, y); }

    @Override
    public void accumulate(int n, float[] x, float[] y) { SimdElementwise.run(pool, SimdElementwise.Op.ACCUMULATE, n, 0f, x, null, y); }

    @Override  // the optimizers' updates: see SimdUpdates
    public void sgdStep(float[] params, float[] grads, float[] velocity, int from, int to, float lr, float mu, float wd, boolean nesterov) {
        SimdUpdates.sgd(pool, params, grads, velocity, from, to, lr, mu, wd, nesterov);
    }

    @Override
    public void adamStep(float[] params, float[] grads, float[] m, float[] v, int from, int to, AdamTerms t) { SimdUpdates.adam(pool, params, grads, m, v, from, to, t); }

    // ---- per channel: see SimdChannels ----

    @Override
    public void batchStatistics(int batch, int channels, int plane, float[] x, float[] mean, float[] var) {
        SimdChannels.batchStatistics(pool, batch, channels, plane, x, mean, var);
    }

    @Override
    public void batchNormForward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                 float[] params, int gammaOff, int betaOff, float[] y) {
        SimdChannels.batchNormForward(pool, batch, channels, plane, x, mean, invStd, params, gammaOff, betaOff, y);
    }

    @Override
    public void batchNormTraining(int batch, int channels, int plane, float[] x, float eps, float[] mean, float[] var,
                                  float[] invStd, float[] params, int gammaOff, int betaOff, boolean relu, float[] y) {
        SimdChannels.batchNormTraining(pool, batch, channels, plane, x, eps, mean, var, invStd, params, gammaOff, betaOff, relu, y);
    }

    @Override
    public void batchNormBackward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                                  float[] params, int gammaOff, float[] dy, boolean batchStats,
                                  float[] dx, float[] grads, int dGammaOff, int dBetaOff) {
        SimdChannels.batchNormBackward(pool, batch, channels, plane, x, mean, invStd, params, gammaOff, dy, batchStats,
                dx, grads, dGammaOff, dBetaOff);
    }

    @Override
    public void globalAvgPoolForward(int batch, int channels, int plane, float[] x, float[] y) {
        SimdChannels.globalAvgPoolForward(pool, batch, channels, plane, x, y);
    }

    @Override
    public void globalAvgPoolBackward(int batch, int channels, int plane, float[] dy, float[] dx) {
        SimdChannels.globalAvgPoolBackward(pool, batch, channels, plane, dy, dx);
    }

    static float sumOf(float[] a, int off, int len) {
        FloatVector acc = FloatVector.zero(S);
        int i = 0;
        for (int bound = len - L; i <= bound; i += L) acc = acc.add(FloatVector.fromArray(S, a, off + i));
        float s = SimdGemm.sumLanes(acc);
        for (; i < len; i++) s += a[off + i];
        return s;
    }

    /** dst[dOff + i] += src[sOff + i] for i < len. */
    static void addInto(float[] dst, int dOff, float[] src, int sOff, int len) {
        int i = 0;
        for (int bound = len - L; i <= bound; i += L) {
            FloatVector.fromArray(S, dst, dOff + i).add(FloatVector.fromArray(S, src, sOff + i)).intoArray(dst, dOff + i);
        }
        for (; i < len; i++) dst[dOff + i] += src[sOff + i];
    }
}
