package org.striate.kernels;

/**
 * The arguments of a kernel call split over the pool, in objects reused by the thread that makes the
 * call (one of each kind per thread), so that handing work to the pool allocates nothing: a lambda
 * capturing the arguments would be a new object on every call, hundreds per training step. A thread
 * sets a job's fields, runs it on the pool and lets go of its arrays; the pool's start of a job
 * publishes the fields to the workers.
 */
final class SplitJobs {
    private SplitJobs() {}

    private static final ThreadLocal<SplitJobs.PerThread> MINE = ThreadLocal.withInitial(PerThread::new);

    /** This thread's jobs. */
    static PerThread get() { return MINE.get(); }

    static final class PerThread {
        final GemmSplit gemm = new GemmSplit();
        final PackedProduct packed = new PackedProduct();
        final RowDots rowDots = new RowDots();
        final DenseDots denseDots = new DenseDots();
        final Pool pool = new Pool();
        final SimdLocal.Job local = new SimdLocal.Job();
    }

    /**
     * {@link SimdGemm#columns} over panels [from, to) of NR columns, or with {@code byRows} (A not
     * transposed) over panels [from, to) of MR rows, every column.
     */
    static final class GemmSplit implements Parallel.RangeTask {
        boolean transA, transB, byRows;
        int m, n, k, aOff, lda, bOff, ldb, cOff, ldc;
        float beta;
        float[] a, b, c;

        void run(Parallel pool, int panels) {
            try {
                pool.run(panels, this);
            } finally {
                a = b = c = null;
            }
        }

        @Override
        public void run(int part, int from, int to) {
            if (byRows) {
                int r0 = from * SimdGemm.MR, r1 = Math.min(m, to * SimdGemm.MR);
                SimdGemm.columns(false, transB, r1 - r0, 0, n, k, a, aOff + r0 * lda, lda, b, bOff, ldb, beta, c, cOff + r0 * ldc, ldc);
                return;
            }
            SimdGemm.columns(transA, transB, m, from * SimdGemm.NR, Math.min(n, to * SimdGemm.NR), k,
                    a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
        }
    }

    /** {@link SimdGemm#multiplyPacked} over panels [from, to) of NR columns. */
    static final class PackedProduct implements Parallel.RangeTask {
        int m, n, k, apOff, cOff, ldc;
        float beta;
        float[] ap, b, c;
        int[] rows;

        void run(Parallel pool, int m, int n, int k, float[] ap, int apOff, float[] b, int[] rows, float beta,
                 float[] c, int cOff, int ldc) {
            this.m = m;
            this.n = n;
            this.k = k;
            this.ap = ap;
            this.apOff = apOff;
            this.b = b;
            this.rows = rows;
            this.beta = beta;
            this.c = c;
            this.cOff = cOff;
            this.ldc = ldc;
            try {
                pool.run((n + SimdGemm.NR - 1) / SimdGemm.NR, this);
            } finally {
                this.ap = this.b = this.c = null;
                this.rows = null;
            }
        }

        @Override
        public void run(int part, int from, int to) {
            SimdGemm.multiplyPacked(m, from * SimdGemm.NR, Math.min(n, to * SimdGemm.NR), k, ap, apOff, b, rows, beta, c, cOff, ldc);
        }
    }

    /** C (1×n) = a · Bᵀ: dot products for columns [from, to). */
    static final class RowDots implements Parallel.RangeTask {
        int k, aOff, bOff, ldb, cOff;
        float beta;
        float[] a, b, c;

        @Override
        public void run(int part, int from, int to) {
            for (int j = from; j < to; j++) {
                float v = SimdGemm.dot(k, a, aOff, b, bOff + j * ldb);
                c[cOff + j] = beta == 0 ? v : v + beta * c[cOff + j];
            }
        }
    }

    /** The dense layer's forward as dot products, for blocks [from, to) of three outputs. */
    static final class DenseDots implements Parallel.RangeTask {
        int batch, out, in;
        float[] x, w, y;
        int[] rows;

        @Override
        public void run(int part, int from, int to) {
            SimdDot.accumulate(batch, from * 3, Math.min(out, to * 3), in, x, 0, in, w, rows, y, 0, out);
        }
    }

    /** Pooling forward or backward (with a ReLU's mask when reluOut is set) over planes [from, to). */
    static final class Pool implements Parallel.RangeTask {
        /** pooledMask: a backward masked by the pool's own output (reluOut), as pool2dBackwardPooledRelu. */
        boolean backward, max2x2, valuesOnly, pooledMask;
        PoolGeometry g;
        float[] x, y, dy, reluOut, dx;
        int[] arg;

        void clear() {
            x = y = dy = reluOut = dx = null;
            arg = null;
            g = null;
        }

        @Override
        public void run(int part, int from, int to) {
            if (backward && pooledMask) {
                SimdPool.unpoolPlanes(g, from, to, dy, reluOut, arg, dx);
            } else if (backward) {
                for (int nc = from; nc < to; nc++) Pooling.backwardPlane(g, nc, dy, arg, reluOut, dx);
            } else if (valuesOnly) {
                SimdPool.maxValuesPlanes(g, from, to, x, y);
            } else if (max2x2) {
                SimdPool.max2x2Planes(g, from, to, x, y, arg);
            } else {
                for (int nc = from; nc < to; nc++) Pooling.forwardPlane(g, nc, x, y, arg);
            }
        }
    }
}
