package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked, packed single-precision GEMM with a register micro-kernel (Goto/BLIS layout):
 * C[m×n] = op(A)·op(B) + beta·C, row-major.
 *
 * <p>K is cut into blocks of at most {@link #KC}; rows of op(A) are packed into zero-padded panels of
 * {@link #MR} ({@link SimdGemmPacking}); op(B) is taken {@link #NR} columns (three vectors, two with 16 registers) at a time, in place when it is
 * row-major and the panel is full, else packed. The micro-kernel keeps MR×NR/L vector accumulators in
 * registers, updated by FMA; a B panel stays in L1 and the A block in L2. Edge tiles are computed in
 * full and merged through a small tile.
 *
 * <p>Threads split the columns of C in whole panels; every element is summed over K in the same
 * order whatever the thread count, so results do not depend on it.
 */
final class SimdGemm {
    /**
     * The species of every kernel's multiply-adds. Multiply-adds on a second, narrower species in a hot
     * loop (a 256-bit GEMM tail beside the 512-bit tiles) left C2 compiling the channel-lane tiles with
     * their vector operations in the allocating Java fallbacks for whole runs: resnet18's inference,
     * batch 16, two threads, fresh JVMs taking turns, 51–56 img/s with that tail against 81–83 without.
     */
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    /**
     * Whether the machine has 32 vector registers (AVX-512, and every AArch64 core) for the 8 × 3-vector
     * tile; with 16 (AVX2, SSE) the tile is {@link SimdGemmSmallTile}'s 4 × 2 vectors.
     */
    static final boolean LARGE_TILE = L >= 16 || "aarch64".equals(System.getProperty("os.arch"));
    static final int MR = LARGE_TILE ? SimdGemmLargeTile.MR : SimdGemmSmallTile.MR;
    static final int NR = LARGE_TILE ? SimdGemmLargeTile.NR : SimdGemmSmallTile.NR;
    static final int KC = 320;
    static final int MC = 16 * MR;

    private SimdGemm() {}

    /** Lane rotations by L/2, L/4, L/8 and 1…: constants, so the JIT turns them into single permutes. */
    private static final VectorShuffle<Float> ROT_HALF = VectorShuffle.fromOp(S, i -> (i + L / 2) % L);
    private static final VectorShuffle<Float> ROT_QUARTER = VectorShuffle.fromOp(S, i -> (i + L / 4) % L);
    private static final VectorShuffle<Float> ROT_EIGHTH = VectorShuffle.fromOp(S, i -> (i + Math.max(1, L / 8)) % L);
    private static final VectorShuffle<Float> ROT_ONE = VectorShuffle.fromOp(S, i -> (i + 1) % L);

    /**
     * The sum of v's lanes in one fixed order (a tree of rotations and adds, lane 0 taken).
     * {@code reduceLanes(ADD)} sums in another order once the JIT compiles it, which would make
     * results depend on warm-up rather than only on the input.
     */
    static float sumLanes(FloatVector v) {
        v = v.add(v.rearrange(ROT_HALF));
        v = v.add(v.rearrange(ROT_QUARTER));
        if (L >= 16) v = v.add(v.rearrange(ROT_EIGHTH));
        if (L >= 8) v = v.add(v.rearrange(ROT_ONE));
        return v.lane(0);
    }

    /** Whole product, columns split over the pool when it pays. */
    static void gemm(boolean transA, boolean transB, int m, int n, int k,
                     float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                     float beta, float[] c, int cOff, int ldc, Parallel pool) {
        if (m == 0 || n == 0) return;
        if (k == 0) {
            scale(m, n, beta, c, cOff, ldc);
            return;
        }
        if (m == 1 && !transA && transB) {
            rowTimesTransposed(n, k, a, aOff, b, bOff, ldb, beta, c, cOff, pool);
            return;
        }
        int panels = (n + NR - 1) / NR;
        long work = (long) m * n * k;
        if (pool == null || pool.threads() == 1 || panels < 2 || work < 200_000) {
            columns(transA, transB, m, 0, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc);
            return;
        }
        split(false, transA, transB, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool, panels);
    }

    /**
     * {@link #gemm} for many rows of A (not transposed) and few columns, its rows split over the pool:
     * split by columns, every thread packs all of A, which for a dense layer's inference batch (256
     * rows of 3136 inputs, 128 units) is as much reading and writing as its share of the products
     * reads. Each element is summed as {@link #gemm} sums it, whichever thread takes its rows.
     */
    static void gemmByRows(int m, int n, int k, float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                           float beta, float[] c, int cOff, int ldc, Parallel pool) {
        int panels = (m + MR - 1) / MR;
        if (pool == null || pool.threads() == 1 || panels < 2 || n == 0 || k == 0 || (long) m * n * k < 200_000) {
            gemm(false, false, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, null);
            return;
        }
        split(true, false, false, m, n, k, a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc, pool, panels);
    }

    private static void split(boolean byRows, boolean transA, boolean transB, int m, int n, int k, float[] a, int aOff, int lda,
                              float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc, Parallel pool, int panels) {
        SplitJobs.GemmSplit job = SplitJobs.get().gemm;
        job.byRows = byRows;
        job.transA = transA;
        job.transB = transB;
        job.m = m;
        job.n = n;
        job.k = k;
        job.a = a;
        job.aOff = aOff;
        job.lda = lda;
        job.b = b;
        job.bOff = bOff;
        job.ldb = ldb;
        job.beta = beta;
        job.c = c;
        job.cOff = cOff;
        job.ldc = ldc;
        job.run(pool, panels);
    }

    /** Columns [n0, n1) of C, in the calling thread. */
    static void columns(boolean transA, boolean transB, int m, int n0, int n1, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        int[] bRows = strided(Scratch.get().rows(transB ? n1 : k), transB ? n1 : k, bOff, ldb);
        columns(transA, transB, m, n0, n1, k, a, aOff, lda, null, b, bRows, beta, c, cOff, ldc);
    }

    /**
     * Columns [n0, n1) of C with B given by where each of its rows starts: row t of B (op(B) row p when
     * not transposed, column j when transposed) is b[bRows[t] ...]; likewise row i of a non-transposed
     * A when aRows is not null. A convolution passes rows that are shifted views of one padded image,
     * so no im2col copy is made.
     */
    static void columns(boolean transA, boolean transB, int m, int n0, int n1, int k,
                        float[] a, int aOff, int lda, int[] aRows, float[] b, int[] bRows,
                        float beta, float[] c, int cOff, int ldc) {
        Scratch s = Scratch.get();
        int kcMax = blockK(k);
        float[] ap = s.packA(Math.min(MC, roundUp(m, MR)) * kcMax);
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            float betaBlock = pc == 0 ? beta : 1f;
            for (int ic = 0; ic < m; ic += MC) {
                int mc = Math.min(MC, m - ic);
                SimdGemmPacking.packA(transA, a, aOff, lda, aRows, ic, mc, pc, kc, ap, 0);
                block(kc, mc, ap, 0, transB, b, bRows, pc, n0, n1, betaBlock, c, cOff + ic * ldc, ldc, s);
            }
        }
    }

    /** rows[t] = off + t·ld for t < count. */
    static int[] strided(int[] rows, int count, int off, int ld) {
        for (int t = 0; t < count; t++) rows[t] = off + t * ld;
        return rows;
    }

    /** The K block length: K cut into equal blocks of at most {@link #KC}. */
    static int blockK(int k) {
        int blocks = (k + KC - 1) / KC;
        return (k + blocks - 1) / blocks;
    }

    /**
     * Columns [n0, n1) of C = A·B + beta·C with A packed by {@link SimdGemmPacking#packWhole} and row p of B starting
     * at b[bRows[p]]; calling thread only.
     */
    static void multiplyPacked(int m, int n0, int n1, int k, float[] ap, int apOff,
                               float[] b, int[] bRows, float beta, float[] c, int cOff, int ldc) {
        multiplyPackedRows(m, 0, m, n0, n1, k, ap, apOff, b, bRows, beta, c, cOff, ldc);
    }

    /**
     * Rows [i0, i1) of {@link #multiplyPacked}'s product (C's row i at cOff + i·ldc), A packed whole for
     * its m rows; i0 a multiple of {@link #MR}. Threads splitting the rows each read their share of A.
     */
    static void multiplyPackedRows(int m, int i0, int i1, int n0, int n1, int k, float[] ap, int apOff,
                                   float[] b, int[] bRows, float beta, float[] c, int cOff, int ldc) {
        Scratch s = Scratch.get();
        int kcMax = blockK(k), mPad = roundUp(m, MR);
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            block(kc, i1 - i0, ap, apOff + pc * mPad + i0 * kc, false, b, bRows, pc, n0, n1,
                    pc == 0 ? beta : 1f, c, cOff + i0 * ldc, ldc, s);
        }
    }

    /** Row p of a packed panel starts at p·NR. */
    private static final int[] PANEL_ROWS = strided(new int[KC], KC, 0, NR);

    /**
     * One K block: every NR-column panel of op(B) in [n0, n1) against every MR-row panel of the packed
     * A block. A non-transposed B is read in place (rows must start at increasing offsets); transposed
     * B, and a last partial panel that would read past the array, are packed first, zero-padded.
     */
    private static void block(int kc, int mc, float[] ap, int apOff, boolean transB, float[] b, int[] bRows,
                              int pc, int n0, int n1, float beta, float[] c, int cOff, int ldc, Scratch s) {
        float[] tile = s.tile(MR * NR);
        // rows of B read in place are the same for every panel: their spacing is found once
        int inPlaceSpacing = LARGE_TILE || transB ? -1 : spacing(bRows, pc, kc);
        for (int jr = n0; jr < n1; jr += NR) {
            int cols = Math.min(NR, n1 - jr);
            float[] panel;
            int[] rows;
            int rowsOff, col0, spacing;
            // a partial panel is read in place too when whole vectors stay inside b: the extra
            // lanes hold neighbouring values, each lane sums alone, and only cols lanes are stored
            if (!transB && (cols == NR || bRows[pc + kc - 1] + jr + NR <= b.length)) {
                panel = b;
                rows = bRows;
                rowsOff = pc;
                col0 = jr;
                spacing = inPlaceSpacing;
            } else {
                panel = s.packB(kc * NR);
                packPanel(transB, b, bRows, pc, kc, jr, cols, panel);
                rows = PANEL_ROWS;
                rowsOff = 0;
                col0 = 0;
                spacing = NR;
            }
            for (int ir = 0; ir < mc; ir += MR) {
                int tileRows = Math.min(MR, mc - ir);
                if (!LARGE_TILE) {
                    if (tileRows == MR && cols == NR && spacing >= 0) {
                        SimdGemmSmallTile.strided(kc, ap, apOff + ir * kc, panel, rows[rowsOff] + col0, spacing, c, cOff + ir * ldc + jr, ldc, beta);
                    } else if (tileRows == 1) SimdGemmSmallTile.row(kc, ap, apOff + ir * kc, panel, rows, rowsOff, col0, c, cOff + ir * ldc + jr, cols, beta, tile);
                    else SimdGemmSmallTile.tile(kc, ap, apOff + ir * kc, panel, rows, rowsOff, col0, c, cOff + ir * ldc + jr, ldc,
                            tileRows, cols, beta, tile);
                } else if (tileRows == 1) {
                    SimdGemmLargeTile.row(kc, ap, apOff + ir * kc, panel, rows, rowsOff, col0, c, cOff + ir * ldc + jr, cols, beta, tile);
                } else if (cols <= L) {
                    SimdGemmLargeTile.column(kc, ap, apOff + ir * kc, panel, rows, rowsOff, col0, c, cOff + ir * ldc + jr, ldc,
                            tileRows, cols, beta, tile);
                } else if (cols <= 2 * L) {
                    SimdGemmLargeTile.pair(kc, ap, apOff + ir * kc, panel, rows, rowsOff, col0, c, cOff + ir * ldc + jr, ldc,
                            tileRows, cols, beta, tile);
                } else {
                    SimdGemmLargeTile.tile(kc, ap, apOff + ir * kc, panel, rows, rowsOff, col0, c, cOff + ir * ldc + jr, ldc,
                            tileRows, cols, beta, tile);
                }
            }
        }
    }

    /** The distance between rows[off], rows[off + 1], … rows[off + kc − 1] when it is one and the same, else −1. */
    static int spacing(int[] rows, int off, int kc) {
        int d = kc > 1 ? rows[off + 1] - rows[off] : 0;
        for (int p = off + 2; p < off + kc; p++) if (rows[p] - rows[p - 1] != d) return -1;
        return d;
    }

    static int roundUp(int x, int to) { return (x + to - 1) / to * to; }

    /** Columns [j0, j0+cols) of op(B) rows [pc, pc+kc), laid out [p][NR], zero beyond cols. */
    private static void packPanel(boolean transB, float[] b, int[] bRows, int pc, int kc, int j0, int cols, float[] bp) {
        if (!transB) {
            for (int p = 0, base = 0; p < kc; p++, base += NR) {
                int src = bRows[pc + p] + j0;
                for (int j = 0; j < cols; j++) bp[base + j] = b[src + j];
                for (int j = cols; j < NR; j++) bp[base + j] = 0f;
            }
            return;
        }
        // a transpose. (A gather with an offset, FloatVector.fromArray(S, b, at, bRows, j0), was at times
        // left un-intrinsified by C2 and then boxed its vectors: 100 MB a step on resnet8.)
        // column by column, each source row read along its length (one stream rather than NR at once: on
        // an AVX2 EPYC a weight gradient 34 → 46 GFLOP/s at 32 channels; 8 × 8 transposes in registers
        // were no faster than this)
        for (int j = 0; j < cols; j++) {
            int src = bRows[j0 + j] + pc;
            for (int p = 0, at = j; p < kc; p++, at += NR) bp[at] = b[src + p];
        }
        for (int j = cols; j < NR; j++) {
            for (int p = 0, at = j; p < kc; p++, at += NR) bp[at] = 0f;
        }
    }

    /** C (1×n) = a (1×k) · Bᵀ with B (n×k): one dot product per column, the batch-1 dense layer. */
    private static void rowTimesTransposed(int n, int k, float[] a, int aOff, float[] b, int bOff, int ldb,
                                           float beta, float[] c, int cOff, Parallel pool) {
        SplitJobs.RowDots job = SplitJobs.get().rowDots;
        job.k = k;
        job.a = a;
        job.aOff = aOff;
        job.b = b;
        job.bOff = bOff;
        job.ldb = ldb;
        job.beta = beta;
        job.c = c;
        job.cOff = cOff;
        try {
            if (pool == null || (long) n * k < 100_000) job.run(0, 0, n);
            else pool.run(n, job);
        } finally {
            job.a = job.b = job.c = null;
        }
    }

    static float dot(int k, float[] a, int aOff, float[] b, int bOff) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int p = 0;
        for (int bound = k - 2 * L; p <= bound; p += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, bOff + p), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + p + L).fma(FloatVector.fromArray(S, b, bOff + p + L), acc1);
        }
        float sum = sumLanes(acc0.add(acc1));
        for (; p < k; p++) sum += a[aOff + p] * b[bOff + p];
        return sum;
    }

    private static void scale(int m, int n, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                int ci = cOff + i * ldc + j;
                c[ci] = beta == 0 ? 0f : beta * c[ci];
            }
        }
    }
}
