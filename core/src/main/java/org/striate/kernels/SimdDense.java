package org.striate.kernels;

import java.util.Arrays;

/**
 * A dense layer's forward pass on the SIMD kernels: which product each shape takes. A deployed
 * model's single row, {@link SingleRowDense}; inference slices of many rows, the channel-lane tiles
 * ({@link ChannelLaneDense}) or a GEMM on kept transposed weights; short rows a GEMM; long rows of
 * few samples (a training slice) dot products, {@link SimdDot}.
 */
final class SimdDense {
    private SimdDense() {}

    /** y (batch, out) = x (batch, in) · wᵀ + b, w (out, in) at wOff, on the pool's threads. */
    static void forward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y,
                        Parallel pool) {
        // a single row of a deployed model (weights fixed): its kept transposed weights, which the
        // inference slices below share, instead of dot products or a GEMM that packs w on every call
        if (batch == 1 && (long) in * out <= TRANSPOSED_DENSE_MAX && SingleRowDense.applies(out, w)) {
            SingleRowDense.forward(in, out, x, w, wOff, b, bOff, y, pool);
            return;
        }
        boolean kept = batch >= GEMM_ROWS || batch >= FIXED_GEMM_ROWS && WeightCache.isFixed(w);
        if (in < DOT_INPUTS || kept) {
            if (kept && (long) in * out <= TRANSPOSED_DENSE_MAX && ChannelLaneDense.applies(out)) {
                ChannelLaneDense.forward(batch, in, out, x, w, wOff, b, bOff, y, pool);
                return;
            }
            if (b != null) {
                for (int n = 0; n < batch; n++) System.arraycopy(b, bOff, y, n * out, out);
            }
            float beta = b == null ? 0f : 1f;
            if (kept && (long) in * out <= TRANSPOSED_DENSE_MAX) {
                // many rows (an inference slice): the weights read in place from a kept transposed
                // copy, instead of each call packing them from rows of w; its rows one vector longer than
                // the units where they span more than a panel, so a panel's column of weights is not read
                // from a few of L1's sets only (rows of 128 floats are 512 B apart). The batch's rows are
                // split over the threads, each packing only its own. fashion-cnn's 3136 → 128 layer, 256
                // rows, two threads of an AVX2 EPYC, calls taking turns: 2.22–2.44 → 1.81–1.98 ms.
                int ld = ChannelLaneTiles.lead(out);
                float[] wt = WeightCache.mine().transposed(w, wOff, out, in, ld);
                SimdGemm.gemmByRows(batch, out, in, x, 0, in, wt, 0, ld, beta, y, 0, out, pool);
            } else {
                SimdGemm.gemm(false, true, batch, out, in, x, 0, in, w, wOff, in, beta, y, 0, out, pool);
            }
            return;
        }
        for (int n = 0; n < batch; n++) {
            if (b != null) System.arraycopy(b, bOff, y, n * out, out);
            else Arrays.fill(y, n * out, (n + 1) * out, 0f);
        }
        // long rows: x rows and w rows both run along the inputs, so dot products need no packing of
        // w, which a GEMM would repack on every call since the weights change every step
        int[] rows = SimdGemm.strided(Scratch.get().convRows(out), out, wOff, in);
        int blocks = (out + 2) / 3;
        if ((long) batch * in * out < 200_000) {
            SimdDot.accumulate(batch, 0, out, in, x, 0, in, w, rows, y, 0, out);
            return;
        }
        SplitJobs.DenseDots job = SplitJobs.get().denseDots;
        job.batch = batch;
        job.out = out;
        job.in = in;
        job.x = x;
        job.w = w;
        job.y = y;
        job.rows = rows;
        try {
            pool.run(blocks, job);
        } finally {
            job.x = job.w = job.y = null;
            job.rows = null;
        }
    }

    /** Inputs per dense unit from which the forward pass uses dot products rather than a GEMM. */
    private static final int DOT_INPUTS = 512;
    /**
     * Rows from which a GEMM beats dot products however long the rows: packing w is then shared by
     * enough of them. fashion-cnn's 3136 → 128 layer, one thread: 7.7 against 12.4 µs a row at 128
     * rows (an inference slice), 11.6 against 12.8 at 64, 16.6 against 12.0 at 32 (a training slice).
     */
    private static final int GEMM_ROWS = 96;
    /**
     * Rows from which a deployed model's dense layer ({@link Kernels#fixWeights}: its transposed weights
     * are laid out once, never compared) takes the kept weights rather than dot products: the pieces of
     * 16 that inference runs fashion-cnn in. Its 3136 → 128 layer, one thread of an Intel AVX-512
     * machine, L2 flushed before each call as the convolutions before it flush it, calls taking turns:
     * 16 rows 158 against 193–195 µs, 32 rows 270–280 against 370–387, 64 rows 506–520 against 712–732;
     * at 8 rows, caches warm, the dots were faster (74 against 84 µs). Short rows gain too, which took a
     * GEMM packing the weights on every call: 128 → 64 at 16 rows 3.6 against 8.0 µs, 256 → 128 12.8
     * against 26.0, 500 → 100 at 64 rows 80–81 against 104–106.
     */
    private static final int FIXED_GEMM_ROWS = 16;
    /** Weights up to which a dense layer keeps a transposed copy per thread (16 MB: two copies at 32 MB). */
    private static final long TRANSPOSED_DENSE_MAX = 4L << 20;
}
