package org.striate.kernels;

import static org.striate.kernels.SimdGemm.L;
import static org.striate.kernels.SimdGemm.MR;

/**
 * {@link SimdGemm}'s packing of op(A): K blocks of at most {@link SimdGemm#KC} columns, each cut into
 * zero-padded panels of {@link SimdGemm#MR} rows laid out [p][MR], the order the register tiles read
 * them. A convolution's weights are packed whole once per call ({@link #packWhole}); the GEMM packs
 * each block of a plain A as it goes ({@link #packA}).
 */
final class SimdGemmPacking {
    private SimdGemmPacking() {}

    /** Floats needed to hold op(A) (m×k) packed whole by {@link #packWhole}. */
    static int packedSize(int m, int k) { return SimdGemm.roundUp(m, MR) * k; }

    /**
     * Packs all of op(A) once, K block after K block (block at pc starts at pc·roundUp(m, MR)), for
     * {@link SimdGemm#multiplyPacked}: a convolution's weights are packed once per call, not once per sample.
     */
    static void packWhole(boolean transA, int m, int k, float[] a, int aOff, int lda, float[] dst, int dstOff) {
        int kcMax = SimdGemm.blockK(k), mPad = SimdGemm.roundUp(m, MR);
        for (int pc = 0; pc < k; pc += kcMax) {
            packA(transA, a, aOff, lda, null, 0, m, pc, Math.min(kcMax, k - pc), dst, dstOff + pc * mPad);
        }
    }

    /**
     * {@link #packWhole}{@code (false, m, k, …)} for rows of whole vectors of columns, by 16 × 16
     * register transposes ({@link LaneTranspose}) instead of a float at a time (a fifth of the time of
     * Winograd's F(4×4, 3×3) on 32 channels went to that packing). m a multiple of L; needs
     * {@link #packsByBlocks}; {@code tmp} holds L·L floats.
     */
    static void packRowsByBlocks(int m, int k, float[] a, int aOff, int lda, float[] dst, int dstOff, float[] tmp) {
        int kcMax = SimdGemm.blockK(k);
        for (int i0 = 0; i0 < m; i0 += L) {
            for (int c0 = 0; c0 < k; c0 += L) {
                LaneTranspose.block(a, aOff + i0 * lda + c0, lda, tmp, 0, L, null, 0, Float.NEGATIVE_INFINITY);
                int pc = c0 / kcMax * kcMax, kc = Math.min(kcMax, k - pc), block = dstOff + pc * m;
                for (int half = 0; half < L; half += MR) {
                    int at = block + (i0 + half) * kc + (c0 - pc) * MR;
                    for (int c = 0; c < L; c++) System.arraycopy(tmp, c * L + half, dst, at + c * MR, MR);
                }
            }
        }
    }

    /** Whether {@link #packRowsByBlocks} can pack k columns: 16 lanes, panels of 8 rows, K blocks of whole vectors. */
    static boolean packsByBlocks(int k) {
        return L == 16 && MR == 8 && LaneTranspose.applies() && k % L == 0 && SimdGemm.blockK(k) % L == 0;
    }

    /**
     * Rows [p0, p1) of a (k rows of m floats, lda apart, A transposed) packed into dst as
     * {@link #packWhole}{@code (true, m, k, …)} lays them out: threads can pack their shares of K into
     * one destination. Each panel's row is copied by a loop of MR floats, which C2 unrolls into vector
     * moves; through vectors of MR floats (a species narrower than {@link #S}), the full test suite
     * left them at times to their allocating Java fallback (9 MB a resnet8 training step). A last
     * panel of fewer rows is zero past m.
     */
    static void packTransposedRows(int m, int k, int p0, int p1, float[] a, int aOff, int lda, float[] dst, int dstOff) {
        int kcMax = SimdGemm.blockK(k), mPad = SimdGemm.roundUp(m, MR), whole = m / MR * MR;
        for (int pc = p0 / kcMax * kcMax; pc < p1; pc += kcMax) {
            int kc = Math.min(kcMax, k - pc), from = Math.max(p0, pc), to = Math.min(p1, pc + kc);
            for (int ir = 0; ir < whole; ir += MR) {
                // a panel's K rows one after another, as the tiles read them
                int at = dstOff + pc * mPad + ir * kc + (from - pc) * MR;
                for (int p = from, src = aOff + p * lda + ir; p < to; p++, src += lda, at += MR) {
                    for (int i = 0; i < MR; i++) dst[at + i] = a[src + i];
                }
            }
            if (whole < m) {
                int at = dstOff + pc * mPad + whole * kc + (from - pc) * MR;
                for (int p = from, src = aOff + p * lda + whole; p < to; p++, src += lda, at += MR) {
                    for (int i = 0; i < MR; i++) dst[at + i] = whole + i < m ? a[src + i] : 0f;
                }
            }
        }
    }

    /** Panels of MR rows of op(A) columns [pc, pc+kc), each laid out [p][MR], zero beyond mc. */
    static void packA(boolean transA, float[] a, int aOff, int lda, int[] aRows, int ic, int mc, int pc, int kc,
                      float[] ap, int apOff) {
        for (int ir = 0; ir < mc; ir += MR) {
            int rows = Math.min(MR, mc - ir);
            int base = apOff + ir * kc;
            if (transA) {
                int src = aOff + pc * lda + ic + ir;
                for (int p = 0; p < kc; p++, src += lda, base += MR) {
                    System.arraycopy(a, src, ap, base, rows);
                    for (int i = rows; i < MR; i++) ap[base + i] = 0f;
                }
            } else {
                for (int i = 0; i < MR; i++) {
                    if (i < rows) {
                        int src = (aRows == null ? aOff + (ic + ir + i) * lda : aRows[ic + ir + i]) + pc;
                        for (int p = 0; p < kc; p++) ap[base + p * MR + i] = a[src + p];
                    } else {
                        for (int p = 0; p < kc; p++) ap[base + p * MR + i] = 0f;
                    }
                }
            }
        }
    }
}
