package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * Blocked, packed single-precision GEMM with a register micro-kernel (Goto/BLIS layout):
 * C[m×n] = op(A)·op(B) + beta·C, row-major.
 *
 * <p>K is cut into blocks of at most {@link #KC}; for each block, columns of op(B) are packed into
 * panels of {@link #NR} (two vectors) and rows of op(A) into panels of {@link #MR}, both zero-padded,
 * so the micro-kernel runs without tails: MR×2 vector accumulators updated by FMA, a B panel that
 * stays in L1 and an A block in L2. Edge tiles are computed in full and merged through a small tile.
 *
 * <p>Threads split the columns of C in whole panels; every element is summed over K in the same
 * order whatever the thread count, so results do not depend on it.
 */
final class SimdGemm {
    static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
    static final int L = S.length();
    static final int MR = 6;
    static final int NR = 2 * L;
    static final int KC = 320;
    static final int MC = 16 * MR;
    static final int NC = 64 * NR;

    private SimdGemm() {}

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
        pool.run(panels, (part, from, to) -> columns(transA, transB, m, from * NR, Math.min(n, to * NR), k,
                a, aOff, lda, b, bOff, ldb, beta, c, cOff, ldc));
    }

    /** Columns [n0, n1) of C, in the calling thread. */
    static void columns(boolean transA, boolean transB, int m, int n0, int n1, int k,
                        float[] a, int aOff, int lda, float[] b, int bOff, int ldb,
                        float beta, float[] c, int cOff, int ldc) {
        Scratch s = Scratch.get();
        int blocks = (k + KC - 1) / KC;
        int kcMax = (k + blocks - 1) / blocks;
        int mcMax = Math.min(MC, roundUp(m, MR));
        float[] ap = s.packA(mcMax * kcMax);
        float[] bp = s.packB(Math.min(NC, roundUp(n1 - n0, NR)) * kcMax);
        float[] tile = s.tile(MR * NR);
        for (int pc = 0; pc < k; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc);
            float betaBlock = pc == 0 ? beta : 1f;
            for (int jc = n0; jc < n1; jc += NC) {
                int nc = Math.min(NC, n1 - jc);
                packB(transB, b, bOff, ldb, pc, kc, jc, nc, bp);
                for (int ic = 0; ic < m; ic += MC) {
                    int mc = Math.min(MC, m - ic);
                    packA(transA, a, aOff, lda, ic, mc, pc, kc, ap);
                    for (int jr = 0; jr < nc; jr += NR) {
                        int cols = Math.min(NR, nc - jr);
                        for (int ir = 0; ir < mc; ir += MR) {
                            kernel(kc, ap, ir * kc, bp, jr * kc, c, cOff + (ic + ir) * ldc + jc + jr, ldc,
                                    Math.min(MR, mc - ir), cols, betaBlock, tile);
                        }
                    }
                }
            }
        }
    }

    static int roundUp(int x, int to) { return (x + to - 1) / to * to; }

    /** Panels of NR columns of op(B) rows [pc, pc+kc), each laid out [p][NR], zero beyond nc. */
    private static void packB(boolean transB, float[] b, int bOff, int ldb, int pc, int kc, int jc, int nc, float[] bp) {
        for (int jr = 0; jr < nc; jr += NR) {
            int cols = Math.min(NR, nc - jr);
            int base = jr * kc;
            if (!transB) {
                int src = bOff + pc * ldb + jc + jr;
                for (int p = 0; p < kc; p++, src += ldb, base += NR) {
                    System.arraycopy(b, src, bp, base, cols);
                    for (int j = cols; j < NR; j++) bp[base + j] = 0f;
                }
            } else {
                for (int j = 0; j < NR; j++) {
                    if (j < cols) {
                        int src = bOff + (jc + jr + j) * ldb + pc;
                        for (int p = 0; p < kc; p++) bp[base + p * NR + j] = b[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) bp[base + p * NR + j] = 0f;
                    }
                }
            }
        }
    }

    /** Panels of MR rows of op(A) columns [pc, pc+kc), each laid out [p][MR], zero beyond mc. */
    private static void packA(boolean transA, float[] a, int aOff, int lda, int ic, int mc, int pc, int kc, float[] ap) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = ir * kc;
            if (transA) {
                int src = aOff + pc * lda + ic + ir;
                for (int p = 0; p < kc; p++, src += lda, base += MR) {
                    System.arraycopy(a, src, ap, base, rows);
                    for (int i = rows; i < MR; i++) ap[base + i] = 0f;
                }
            } else {
                for (int i = 0; i < MR; i++) {
                    if (i < rows) {
                        int src = aOff + (ic + ir + i) * lda + pc;
                        for (int p = 0; p < kc; p++) ap[base + p * MR + i] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) ap[base + p * MR + i] = 0f;
                    }
                }
            }
        }
    }

    /** One MR×NR tile: C = A-panel · B-panel + beta·C for the rows×cols that exist. */
    private static void kernel(int kc, float[] ap, int ai, float[] bp, int bi, float[] c, int ci, int ldc,
                               int rows, int cols, float beta, float[] tile) {
        FloatVector c00 = FloatVector.zero(S), c01 = FloatVector.zero(S);
        FloatVector c10 = FloatVector.zero(S), c11 = FloatVector.zero(S);
        FloatVector c20 = FloatVector.zero(S), c21 = FloatVector.zero(S);
        FloatVector c30 = FloatVector.zero(S), c31 = FloatVector.zero(S);
        FloatVector c40 = FloatVector.zero(S), c41 = FloatVector.zero(S);
        FloatVector c50 = FloatVector.zero(S), c51 = FloatVector.zero(S);
        for (int p = 0; p < kc; p++, ai += MR, bi += NR) {
            FloatVector b0 = FloatVector.fromArray(S, bp, bi);
            FloatVector b1 = FloatVector.fromArray(S, bp, bi + L);
            FloatVector x = FloatVector.broadcast(S, ap[ai]);
            c00 = x.fma(b0, c00); c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, ap[ai + 1]);
            c10 = x.fma(b0, c10); c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, ap[ai + 2]);
            c20 = x.fma(b0, c20); c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, ap[ai + 3]);
            c30 = x.fma(b0, c30); c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, ap[ai + 4]);
            c40 = x.fma(b0, c40); c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, ap[ai + 5]);
            c50 = x.fma(b0, c50); c51 = x.fma(b1, c51);
        }
        if (rows == MR && cols == NR) {
            store(c00, c01, c, ci, beta);
            store(c10, c11, c, ci + ldc, beta);
            store(c20, c21, c, ci + 2 * ldc, beta);
            store(c30, c31, c, ci + 3 * ldc, beta);
            store(c40, c41, c, ci + 4 * ldc, beta);
            store(c50, c51, c, ci + 5 * ldc, beta);
            return;
        }
        c00.intoArray(tile, 0); c01.intoArray(tile, L);
        c10.intoArray(tile, NR); c11.intoArray(tile, NR + L);
        c20.intoArray(tile, 2 * NR); c21.intoArray(tile, 2 * NR + L);
        c30.intoArray(tile, 3 * NR); c31.intoArray(tile, 3 * NR + L);
        c40.intoArray(tile, 4 * NR); c41.intoArray(tile, 4 * NR + L);
        c50.intoArray(tile, 5 * NR); c51.intoArray(tile, 5 * NR + L);
        for (int i = 0; i < rows; i++) {
            int row = ci + i * ldc;
            for (int j = 0; j < cols; j++) {
                float v = tile[i * NR + j];
                c[row + j] = beta == 0 ? v : v + beta * c[row + j];
            }
        }
    }

    private static void store(FloatVector v0, FloatVector v1, float[] c, int i, float beta) {
        if (beta != 0) {
            FloatVector o0 = FloatVector.fromArray(S, c, i), o1 = FloatVector.fromArray(S, c, i + L);
            if (beta == 1) {
                v0 = v0.add(o0);
                v1 = v1.add(o1);
            } else {
                v0 = v0.add(o0.mul(beta));
                v1 = v1.add(o1.mul(beta));
            }
        }
        v0.intoArray(c, i);
        v1.intoArray(c, i + L);
    }

    /** C (1×n) = a (1×k) · Bᵀ with B (n×k): one dot product per column, the batch-1 dense layer. */
    private static void rowTimesTransposed(int n, int k, float[] a, int aOff, float[] b, int bOff, int ldb,
                                           float beta, float[] c, int cOff, Parallel pool) {
        Parallel.RangeTask task = (part, from, to) -> {
            for (int j = from; j < to; j++) {
                float v = dot(k, a, aOff, b, bOff + j * ldb);
                c[cOff + j] = beta == 0 ? v : v + beta * c[cOff + j];
            }
        };
        if (pool == null || (long) n * k < 100_000) task.run(0, 0, n);
        else pool.run(n, task);
    }

    static float dot(int k, float[] a, int aOff, float[] b, int bOff) {
        FloatVector acc0 = FloatVector.zero(S), acc1 = FloatVector.zero(S);
        int p = 0;
        for (int bound = k - 2 * L; p <= bound; p += 2 * L) {
            acc0 = FloatVector.fromArray(S, a, aOff + p).fma(FloatVector.fromArray(S, b, bOff + p), acc0);
            acc1 = FloatVector.fromArray(S, a, aOff + p + L).fma(FloatVector.fromArray(S, b, bOff + p + L), acc1);
        }
        float sum = acc0.add(acc1).reduceLanes(VectorOperators.ADD);
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
