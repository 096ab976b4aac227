package org.striate.kernels;

/**
 * The hot loops of Striate. Layers call only these; an implementation may use SIMD, threads, im2col,
 * direct convolution or anything else, as long as it matches {@link ScalarKernels}, the reference.
 *
 * <p>Conventions (as in llm.c): outputs first where they are the point, then inputs, then sizes;
 * arrays with an {@code Off} argument are read from that offset (parameters live in one flat buffer);
 * {@code d}-prefixed arrays are gradients. "Accumulates" means {@code +=}, "writes" means {@code =}.
 * Implementations check nothing: callers pass valid sizes.
 */
public interface Kernels {

    /** Short name shown by --verbose, e.g. "scalar" or "simd-512 x2 threads". */
    String name();

    /** C[m×n] = op(A)·op(B) + beta·C, row-major with leading dimensions; op transposes when asked. */
    void gemm(boolean transA, boolean transB, int m, int n, int k,
              float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
              float beta, float[] c, int cOff, int ldc);

    /** y (N, outC, outH, outW) writes = conv(x (N, inC, inH, inW), w) + bias; bias may be null. */
    void conv2dForward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y);

    /**
     * conv2dForward, then y = max(y, 0): a convolution followed by ReLU in one pass over y where the
     * implementation can fuse them (the ReLU's separate read and write of the whole batch is saved).
     */
    default void conv2dForwardRelu(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) {
        conv2dForward(g, batch, x, w, wOff, bias, bOff, y);
        reluForward(batch * g.outSize(), y, y);
    }

    /**
     * Inference only: y = conv2dForward + residual (an array of y's shape), then max(·, 0) with {@code
     * relu}: a residual block's convolution whose output only its sum (and the ReLU after it) reads, in
     * one pass over y where the implementation can add as it writes.
     */
    default void conv2dForwardAdd(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] residual,
                                  boolean relu, float[] y) {
        conv2dForward(g, batch, x, w, wOff, bias, bOff, y);
        if (relu) addRelu(batch * g.outSize(), y, residual, y);
        else add(batch * g.outSize(), y, residual, y);
    }

    /**
     * Inference only: y (N, outC, ⌊outH/2⌋, ⌊outW/2⌋) writes the 2×2, stride-2 max pool of
     * max(conv + bias, 0), in one pass that keeps nothing for a backward pass. The convolution's
     * full-size output never reaches memory a whole batch at a time. Max is Math.max's (NaN wins).
     */
    void conv2dForwardReluMaxPool(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y);

    /**
     * Inference only: y (N, outC, p.outH, p.outW) = the max pool {@code p} (any window, stride and
     * padding, over the convolution's whole output) of max(conv + bias, 0), keeping nothing for a
     * backward pass; where the kernels can, in one pass whose full-size output never reaches memory.
     * By default (the scalar kernels' reference) a 2×2, stride-2 pool ({@link PoolGeometry#halvesByMax})
     * as {@link #conv2dForwardReluMaxPool} takes it, other windows as the unfused pair's arithmetic: the
     * convolution with its ReLU into a buffer of the calling thread's, then the pool.
     */
    default void conv2dForwardReluPool(ConvGeometry g, PoolGeometry p, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff,
                                       float[] y) {
        if (p.halvesByMax()) {
            conv2dForwardReluMaxPool(g, batch, x, w, wOff, bias, bOff, y);
            return;
        }
        float[] full = Scratch.get().unpooled(batch * g.outSize());
        conv2dForwardRelu(g, batch, x, w, wOff, bias, bOff, full);
        maxPool2dForward(p, batch, full, y);
    }

    /**
     * Training's conv2dForwardReluMaxPool: y as that writes it, and arg (like y) the flat index, within
     * its sample and channel plane of the full-size output, of each window's winner: the first of the
     * four in window order whose max(conv + bias, 0) is the largest, as pool2dForward picks it over
     * that output. The full-size output itself is not kept; {@link #conv2dBackwardParamsMaxPooled}
     * works from y and arg. Where the four values differ by a rounding only, an implementation may pick
     * another of them.
     */
    void conv2dForwardReluMaxPoolArg(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff,
                                     float[] y, int[] arg);

    /**
     * The parameter gradient of conv2dForwardReluMaxPoolArg's pass from the gradient of its pooled
     * output: conv2dBackwardParams of the full-size gradient that is dy at each window's winner (arg)
     * where y > 0 (the ReLU's mask: a winner's rectified value is y) and zero elsewhere.
     */
    void conv2dBackwardParamsMaxPooled(ConvGeometry g, int batch, float[] x, float[] dy, float[] y, int[] arg,
                                       float[] dw, int dwOff, float[] dbias, int dbOff);

    /** dx (N, inC, inH, inW) writes = the gradient of the convolution with respect to its input. */
    void conv2dBackwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx);

    /** dw accumulates Σ dy ⊗ x over the batch; dbias (may be null) accumulates Σ dy. */
    void conv2dBackwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff);

    /** y (N, out) writes = x (N, in) · wᵀ + b, with w (out, in); b may be null. */
    void denseForward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y);

    /** dx writes = dy · w; dw accumulates dyᵀ · x; db (may be null) accumulates Σ dy. dx may be null. */
    void denseBackward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] dy,
                       float[] dx, float[] dw, int dwOff, float[] db, int dbOff);

    /**
     * y writes the pooled values; for MAX and MIN, arg writes the flat index (within its sample and
     * channel plane) of the winning input cell, first one on ties.
     */
    void pool2dForward(PoolGeometry g, int batch, float[] x, float[] y, int[] arg);

    /**
     * Inference only (g's kind is MAX): y writes the largest value of each window by Math.max's rule (a
     * NaN wins), any window, stride and padding, and keeps no winner's index for a backward pass.
     */
    void maxPool2dForward(PoolGeometry g, int batch, float[] x, float[] y);

    /** dx (N, C, inH, inW) writes = the gradient of pooling; arg is what forward wrote. */
    void pool2dBackward(PoolGeometry g, int batch, float[] dy, int[] arg, float[] dx);

    /**
     * pool2dBackward, then dx[i] = 0 where reluOut[i] ≤ 0: the gradient through a ReLU and the pooling
     * after it, whose input reluOut is. The mask of ReLU(x) is that of x, so reluOut may be either.
     */
    default void pool2dBackwardRelu(PoolGeometry g, int batch, float[] dy, int[] arg, float[] reluOut, float[] dx) {
        pool2dBackward(g, batch, dy, arg, dx);
        reluBackward(batch * g.inSize(), reluOut, dx, dx);
    }

    /**
     * pool2dBackward of a 2×2, stride-2, unpadded max pool g that a ReLU feeds, masked by the pool's own
     * output y: a winner's rectified value is y, so dx gets dy at a winner where y > 0. For a pass that
     * pooled without keeping the full-size output ({@link #conv2dForwardReluMaxPoolArg}).
     */
    void pool2dBackwardPooledRelu(PoolGeometry g, int batch, float[] dy, int[] arg, float[] y, float[] dx);

    /** y[i] = max(x[i], 0) for i < n. */
    void reluForward(int n, float[] x, float[] y);

    /** dx[i] = x[i] > 0 ? dy[i] : 0 for i < n. */
    void reluBackward(int n, float[] x, float[] dy, float[] dx);

    /** y[i] = x[i] > 0 ? x[i] : alpha·x[i] for i < n. */
    void leakyReluForward(int n, float alpha, float[] x, float[] y);

    /** dx[i] = x[i] > 0 ? dy[i] : alpha·dy[i] for i < n. */
    void leakyReluBackward(int n, float alpha, float[] x, float[] dy, float[] dx);

    /** y[i] = 1 / (1 + e^−x[i]) for i < n, within a few units in the last place (implementations may use float exp). */
    void sigmoidForward(int n, float[] x, float[] y);

    /** dx[i] = dy[i]·y[i]·(1 − y[i]), multiplied in that order, with y what sigmoidForward wrote. */
    void sigmoidBackward(int n, float[] y, float[] dy, float[] dx);

    /** y[i] = tanh(x[i]) for i < n, within a few units in the last place. */
    void tanhForward(int n, float[] x, float[] y);

    /** dx[i] = dy[i]·(1 − y[i]·y[i]), with y what tanhForward wrote. */
    void tanhBackward(int n, float[] y, float[] dy, float[] dx);

    /** y[i] = a[i]·b[i] for i < n: a dropout mask applied forward (x·mask) and backward (dy·mask). */
    void multiply(int n, float[] a, float[] b, float[] y);

    /** mean[c] and var[c] write the statistics of channel c of x (N, C, S) over N and S (variance biased, ÷ N·S). */
    void batchStatistics(int batch, int channels, int plane, float[] x, float[] mean, float[] var);

    /** y writes γ[c]·(x − mean[c])·invStd[c] + β[c]; γ and β are read from params at gammaOff and betaOff. */
    void batchNormForward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                          float[] params, int gammaOff, int betaOff, float[] y);

    /**
     * Training's forward pass in one call: mean and var as {@link #batchStatistics} writes them,
     * invStd[c] = 1/√(var[c] + eps), then y as {@link #batchNormForward} writes it, rectified
     * (max(y, 0)) when {@code relu}. An implementation may take each channel's three passes while its
     * values are still in cache.
     */
    default void batchNormTraining(int batch, int channels, int plane, float[] x, float eps, float[] mean, float[] var,
                                   float[] invStd, float[] params, int gammaOff, int betaOff, boolean relu, float[] y) {
        batchStatistics(batch, channels, plane, x, mean, var);
        for (int c = 0; c < channels; c++) invStd[c] = (float) (1 / Math.sqrt(var[c] + eps));
        batchNormForward(batch, channels, plane, x, mean, invStd, params, gammaOff, betaOff, y);
        if (relu) reluForward(batch * channels * plane, y, y);
    }

    /**
     * dγ and dβ accumulate into grads; dx writes the input gradient, through the batch statistics when
     * {@code batchStats} (training), else through fixed statistics. See {@link ChannelKernels#batchNormBackward}.
     */
    void batchNormBackward(int batch, int channels, int plane, float[] x, float[] mean, float[] invStd,
                           float[] params, int gammaOff, float[] dy, boolean batchStats,
                           float[] dx, float[] grads, int dGammaOff, int dBetaOff);

    /** y (N, C) writes the mean of each plane of x (N, C, S). */
    void globalAvgPoolForward(int batch, int channels, int plane, float[] x, float[] y);

    /** dx (N, C, S) writes dy[n, c] / S into every cell of its plane. */
    void globalAvgPoolBackward(int batch, int channels, int plane, float[] dy, float[] dx);

    /** y[i] = a[i] + b[i] for i < n (y may be a or b). */
    void add(int n, float[] a, float[] b, float[] y);

    /** y[i] += x[i] for i < n. */
    void accumulate(int n, float[] x, float[] y);

    /** y[i] = max(a[i] + b[i], 0) for i < n (y may be a or b): a residual join and the ReLU after it, in one pass. */
    void addRelu(int n, float[] a, float[] b, float[] y);

    // The optimizers' updates: the scalar loops live here once (UpdateKernels); SimdKernels replaces
    // them with SimdUpdates.

    /**
     * One SGD step over params[from, to), as {@link UpdateKernels#sgd}: weight decay wd, momentum mu
     * kept in velocity (unused when mu = 0), Nesterov's look-ahead when asked.
     */
    default void sgdStep(float[] params, float[] grads, float[] velocity, int from, int to, float lr, float mu, float wd, boolean nesterov) {
        UpdateKernels.sgd(params, grads, velocity, from, to, lr, mu, wd, nesterov);
    }

    /** One Adam step over params[from, to) with moments m and v, as {@link UpdateKernels#adam}. */
    default void adamStep(float[] params, float[] grads, float[] m, float[] v, int from, int to, AdamTerms terms) {
        UpdateKernels.adam(params, grads, m, v, from, to, terms);
    }

    // The scalar loops of the locally connected layer (LocalKernels) and of Conv3d (VolumeKernels) live
    // here once; SimdKernels replaces the first with SimdLocal, Conv3d has no vector version yet.

    /** y (N, outC, outH, outW) writes the locally connected response; see {@link LocalKernels}. */
    default void localForward(ConvGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) { LocalKernels.forward(g, batch, x, w, wOff, bias, bOff, y); }

    /** dx writes the locally connected layer's input gradient. */
    default void localBackwardInput(ConvGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) { LocalKernels.backwardInput(g, batch, dy, w, wOff, dx); }

    /** dw accumulates dy ⊗ x per output cell; dbias (may be null) accumulates dy. */
    default void localBackwardParams(ConvGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) { LocalKernels.backwardParams(g, batch, x, dy, dw, dwOff, dbias, dbOff); }

    /** y (N, outC, outD, outH, outW) writes conv3d(x, w) + bias; see {@link VolumeKernels}. */
    default void conv3dForward(VolumeGeometry g, int batch, float[] x, float[] w, int wOff, float[] bias, int bOff, float[] y) { VolumeKernels.forward(g, batch, x, w, wOff, bias, bOff, y); }

    /** dx writes the 3-D convolution's input gradient. */
    default void conv3dBackwardInput(VolumeGeometry g, int batch, float[] dy, float[] w, int wOff, float[] dx) { VolumeKernels.backwardInput(g, batch, dy, w, wOff, dx); }

    /** dw accumulates Σ dy ⊗ x over the batch; dbias (may be null) accumulates Σ dy. */
    default void conv3dBackwardParams(VolumeGeometry g, int batch, float[] x, float[] dy, float[] dw, int dwOff, float[] dbias, int dbOff) { VolumeKernels.backwardParams(g, batch, x, dy, dw, dwOff, dbias, dbOff); }

    /** The thread pool these kernels split work over, or null when they run on the calling thread. */
    default Parallel pool() { return null; }

    /**
     * Declares that {@code weights}' contents will not change from now on, as in a model copied for
     * inference alone: kernels that keep weights laid out for themselves then reuse the layout made
     * from this array without comparing it with the weights on every call. Writing the array after
     * this gives results from the old weights.
     */
    static void fixWeights(float[] weights) { WeightCache.fix(weights); }

    /** Whether {@link #fixWeights} was called for this very array. */
    static boolean weightsFixed(float[] weights) { return WeightCache.isFixed(weights); }

    /** The implementation chosen at start-up; see {@link KernelProvider}. */
    static Kernels get() { return KernelProvider.current(); }
}
