package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The register tiles of the channel-lane convolution ({@link ChannelLaneConv}), and the walk of
 * tiles over blocks of taps: 24 accumulators,
 * {@value #POSITIONS} output positions × 4 vectors of output channels. Written out in full: C2
 * keeps locals in registers, never arrays of vectors. Each loop has a method of its own: once, with
 * both loops in one method, a tile of this kind (a since-dropped 12×2) ran a hundred times slower for
 * a whole run, as Vector API code does before C2 compiles it; the cause was not found, and smaller
 * methods give C2 less to give up on. Each pair of forward methods (six positions, one position) shares
 * its first and last lines.
 */
final class ChannelLaneTiles {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /**
     * Whether tiles are 6 positions × 4 vectors (32 vector registers: AVX-512) or, with 16 registers
     * (AVX2), the forward pass's 4 × 2 of {@link ChannelLaneSmallTile}; the passes of stride-1 backward
     * ({@link ChannelLaneConv#applies}) run on the large tile only.
     */
    static final boolean LARGE = SimdGemm.LARGE_TILE;
    /** Output positions (or taps, in the weight gradient) per tile. */
    static final int POSITIONS = LARGE ? 6 : 4;
    /** Output channels per tile: four vectors, or two on the small tile. */
    static final int CB = (LARGE ? 4 : 2) * L;
    /** Taps per block: 96 × 64 weights are 24 KB, half of L1. A multiple of 3, so no kernel row of three taps is cut. */
    static final int KC = 96;
    /**
     * Real positions up to which a last part tile takes them one at a time: a position alone reads its
     * four weight vectors for four multiply-adds, where the whole tile shares them among six, so past
     * three the whole tile is as quick.
     */
    static final int MAX_SINGLES = 3;

    private ChannelLaneTiles() {}

    /**
     * Tiles [0, tiles) of {@value #POSITIONS} positions (starting at at[tile·POSITIONS …] in xp) over
     * k taps (tap t at xp[rows[t] + …], weights wt[t·ld …]) into the first {@code channels} columns of
     * acc (positions, ld), split over
     * {@code pool} when it is given: one hand-off for the whole call, a thread's tiles taking every
     * block of taps in turn. With
     * {@code rowOfThree}, taps come in threes of neighbouring inputs (rows[t + 1] = rows[t] + 1),
     * checked once per three; a last block not a multiple of three ends one tap at a time.
     */
    static void walk(int tiles, int k, boolean rowOfThree, float[] xp, int[] rows, int[] at, float[] wt,
                     int channels, int ld, float[] acc, Parallel pool) {
        if (pool == null) {
            walk(0, tiles, 0, channels, k, rowOfThree, xp, rows, at, wt, ld, acc);
            return;
        }
        Walk job = WALKS.get();
        job.set(k, rowOfThree, xp, rows, at, wt, channels, ld, acc);
        try {
            pool.run(tiles, job);
        } finally {
            job.set(0, false, null, null, null, null, 0, 0, null);
        }
    }

    /**
     * The row length of the kept weights and the accumulators for {@code channels} output channels:
     * one vector more when they span more than one tile of channels. Rows whose length is a multiple of
     * 128 floats (512 B) map a block of weights, a tile of channels wide, onto half of L1's sets or
     * fewer (an eighth at 512 channels), so the block and the accumulators evict each other; one more
     * vector spreads them over every set. One thread, resnet8's 128-channel 7 × 7 layer: see
     * BENCHMARKS.md.
     */
    static int lead(int channels) {
        return channels > CB ? channels + L : channels;
    }

    /**
     * Tiles [t0, t1) of channels [c0, c1) (whole tiles of them) over every block of {@link #KC} taps:
     * the block of weights, 24 KB, stays in L1 while every tile takes it.
     */
    static void walk(int t0, int t1, int c0, int c1, int k, boolean rowOfThree, float[] xp, int[] rows, int[] at,
                     float[] wt, int ld, float[] acc) {
        // a last part tile of few real positions takes them one at a time (large tile only): a 7 × 7 map
        // is 8 tiles and 1 position, and a whole ninth tile spent six positions' multiply-adds on it.
        // Batch 1, one thread, blocks of 1,000 calls taking turns in one JVM: resnet8's 128-channel
        // 7 × 7 layer 98.4–103.4 → 92.9–97.1 µs, its 64 → 128 stride-2 layer 53.1–53.8 → 50.1–51.0,
        // resnet18's 256 → 512 stride-2 layer 820–845 → 775–798
        int lastReal = LARGE && t1 > t0 ? realPositions(at, (t1 - 1) * POSITIONS) : POSITIONS;
        for (int c = c0; c < c1; c += CB) {
            for (int from = 0; from < k; from += KC) {
                int to = Math.min(k, from + KC), threes = rowOfThree ? from + (to - from) / 3 * 3 : from;
                for (int tile = t0; tile < t1; tile++) {
                    int p0 = tile * POSITIONS, real = tile == t1 - 1 ? lastReal : POSITIONS;
                    if (LARGE && real <= MAX_SINGLES) {
                        for (int p = p0; p < p0 + real; p++) {
                            if (threes > from) forward1x4Rows3(from, threes, xp, rows, at[p], p, wt, ld, c, acc);
                            if (to > threes) forward1x4(threes, to, xp, rows, at[p], p, wt, ld, c, acc);
                        }
                    } else if (LARGE) {
                        if (threes > from) forward6x4Rows3(from, threes, xp, rows, at, p0, wt, ld, c, acc);
                        if (to > threes) forward6x4(threes, to, xp, rows, at, p0, wt, ld, c, acc);
                    } else {
                        if (threes > from) ChannelLaneSmallTile.forward4x2Rows3(from, threes, xp, rows, at, p0, wt, ld, c, acc);
                        if (to > threes) ChannelLaneSmallTile.forward4x2(threes, to, xp, rows, at, p0, wt, ld, c, acc);
                    }
                }
            }
        }
    }

    /**
     * The real positions of the tile at p0: all of them, or up to the first of the last position's
     * repeats. Every caller gives distinct starts to real positions (distinct outputs, samples or rows)
     * and fills a last part tile by repeating its last one.
     */
    static int realPositions(int[] at, int p0) {
        int n = POSITIONS;
        while (n > 1 && at[p0 + n - 1] == at[p0 + n - 2]) n--;
        return n;
    }

    /** {@link #forward6x4} for one position (starting at a in xp), its sums in acc's row p: the same sums in the same order. */
    static void forward1x4(int from, int to, float[] xp, int[] rows, int a, int p, float[] wt, int ld, int c0, float[] acc) {
        int r0 = p * ld + c0;
        FloatVector c00, c01, c02, c03;
        if (from == 0) {
            c00 = c01 = c02 = c03 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, r0); c01 = FloatVector.fromArray(S, acc, r0 + L);
            c02 = FloatVector.fromArray(S, acc, r0 + 2 * L); c03 = FloatVector.fromArray(S, acc, r0 + 3 * L);
        }
        for (int t = from; t < to; t++) {
            int wi = t * ld + c0;
            FloatVector v = FloatVector.broadcast(S, xp[rows[t] + a]);
            c00 = v.fma(FloatVector.fromArray(S, wt, wi), c00); c01 = v.fma(FloatVector.fromArray(S, wt, wi + L), c01);
            c02 = v.fma(FloatVector.fromArray(S, wt, wi + 2 * L), c02); c03 = v.fma(FloatVector.fromArray(S, wt, wi + 3 * L), c03);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L); c02.intoArray(acc, r0 + 2 * L); c03.intoArray(acc, r0 + 3 * L);
    }

    /**
     * {@link #forward1x4} for taps in kernel rows of three neighbouring inputs, their bounds checked once
     * per three: against forward1x4 over all taps, one thread, blocks of 1,000 calls taking turns in
     * one JVM, resnet18's 256 → 512 stride-2 layer 763.6–786.9 → 756.0–767.3 µs and resnet8's 64 → 128
     * one 50.3–51.2 → 49.6–50.8 (faster in 7 of 8; even on two threads).
     */
    static void forward1x4Rows3(int from, int to, float[] xp, int[] rows, int a, int p, float[] wt, int ld, int c0, float[] acc) {
        int r0 = p * ld + c0;
        FloatVector c00, c01, c02, c03;
        if (from == 0) {
            c00 = c01 = c02 = c03 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, r0); c01 = FloatVector.fromArray(S, acc, r0 + L);
            c02 = FloatVector.fromArray(S, acc, r0 + 2 * L); c03 = FloatVector.fromArray(S, acc, r0 + 3 * L);
        }
        for (int t = from; t < to; t += 3) {
            int r = rows[t] + a, wi = t * ld + c0;
            FloatVector v = FloatVector.broadcast(S, xp[r]);
            c00 = v.fma(FloatVector.fromArray(S, wt, wi), c00); c01 = v.fma(FloatVector.fromArray(S, wt, wi + L), c01);
            c02 = v.fma(FloatVector.fromArray(S, wt, wi + 2 * L), c02); c03 = v.fma(FloatVector.fromArray(S, wt, wi + 3 * L), c03);
            v = FloatVector.broadcast(S, xp[r + 1]);
            c00 = v.fma(FloatVector.fromArray(S, wt, wi + ld), c00); c01 = v.fma(FloatVector.fromArray(S, wt, wi + ld + L), c01);
            c02 = v.fma(FloatVector.fromArray(S, wt, wi + ld + 2 * L), c02); c03 = v.fma(FloatVector.fromArray(S, wt, wi + ld + 3 * L), c03);
            v = FloatVector.broadcast(S, xp[r + 2]);
            c00 = v.fma(FloatVector.fromArray(S, wt, wi + 2 * ld), c00); c01 = v.fma(FloatVector.fromArray(S, wt, wi + 2 * ld + L), c01);
            c02 = v.fma(FloatVector.fromArray(S, wt, wi + 2 * ld + 2 * L), c02);
            c03 = v.fma(FloatVector.fromArray(S, wt, wi + 2 * ld + 3 * L), c03);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L); c02.intoArray(acc, r0 + 2 * L); c03.intoArray(acc, r0 + 3 * L);
    }

    /** A walk's range of tiles, run by a thread of the pool; reused per thread. */
    private static final class Walk implements Parallel.RangeTask {
        private int k, channels, ld;
        private boolean rowOfThree;
        private float[] xp, wt, acc;
        private int[] rows, at;

        void set(int k, boolean rowOfThree, float[] xp, int[] rows, int[] at, float[] wt, int channels, int ld, float[] acc) {
            this.k = k;
            this.rowOfThree = rowOfThree;
            this.xp = xp;
            this.rows = rows;
            this.at = at;
            this.wt = wt;
            this.channels = channels;
            this.ld = ld;
            this.acc = acc;
        }

        @Override
        public void run(int part, int t0, int t1) { walk(t0, t1, 0, channels, k, rowOfThree, xp, rows, at, wt, ld, acc); }
    }

    private static final ThreadLocal<Walk> WALKS = ThreadLocal.withInitial(Walk::new);

    /** Forward tile of 6 positions × 4 vectors of channels, taps [from, to); the first block starts from zero. */
    static void forward6x4(int from, int to, float[] xp, int[] rows, int[] at, int p0, float[] wt, int ld, int c0,
            float[] acc) {
        int a0 = at[p0], a1 = at[p0 + 1], a2 = at[p0 + 2], a3 = at[p0 + 3], a4 = at[p0 + 4], a5 = at[p0 + 5];
        int r0 = p0 * ld + c0, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld, r5 = r4 + ld;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23;
        FloatVector c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
        if (from == 0) {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = FloatVector.zero(S);
            c30 = c31 = c32 = c33 = c40 = c41 = c42 = c43 = c50 = c51 = c52 = c53 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, r0); c01 = FloatVector.fromArray(S, acc, r0 + L);
            c02 = FloatVector.fromArray(S, acc, r0 + 2 * L); c03 = FloatVector.fromArray(S, acc, r0 + 3 * L);
            c10 = FloatVector.fromArray(S, acc, r1); c11 = FloatVector.fromArray(S, acc, r1 + L);
            c12 = FloatVector.fromArray(S, acc, r1 + 2 * L); c13 = FloatVector.fromArray(S, acc, r1 + 3 * L);
            c20 = FloatVector.fromArray(S, acc, r2); c21 = FloatVector.fromArray(S, acc, r2 + L);
            c22 = FloatVector.fromArray(S, acc, r2 + 2 * L); c23 = FloatVector.fromArray(S, acc, r2 + 3 * L);
            c30 = FloatVector.fromArray(S, acc, r3); c31 = FloatVector.fromArray(S, acc, r3 + L);
            c32 = FloatVector.fromArray(S, acc, r3 + 2 * L); c33 = FloatVector.fromArray(S, acc, r3 + 3 * L);
            c40 = FloatVector.fromArray(S, acc, r4); c41 = FloatVector.fromArray(S, acc, r4 + L);
            c42 = FloatVector.fromArray(S, acc, r4 + 2 * L); c43 = FloatVector.fromArray(S, acc, r4 + 3 * L);
            c50 = FloatVector.fromArray(S, acc, r5); c51 = FloatVector.fromArray(S, acc, r5 + L);
            c52 = FloatVector.fromArray(S, acc, r5 + 2 * L); c53 = FloatVector.fromArray(S, acc, r5 + 3 * L);
        }
        FloatVector w0, w1, w2, w3, v;
        for (int t = from; t < to; t++) {
            int r = rows[t], wi = t * ld + c0;
            w0 = FloatVector.fromArray(S, wt, wi); w1 = FloatVector.fromArray(S, wt, wi + L);
            w2 = FloatVector.fromArray(S, wt, wi + 2 * L); w3 = FloatVector.fromArray(S, wt, wi + 3 * L);
            v = FloatVector.broadcast(S, xp[r + a0]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, xp[r + a1]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, xp[r + a2]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, xp[r + a3]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, xp[r + a4]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, xp[r + a5]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L); c02.intoArray(acc, r0 + 2 * L); c03.intoArray(acc, r0 + 3 * L);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + L); c12.intoArray(acc, r1 + 2 * L); c13.intoArray(acc, r1 + 3 * L);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + L); c22.intoArray(acc, r2 + 2 * L); c23.intoArray(acc, r2 + 3 * L);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + L); c32.intoArray(acc, r3 + 2 * L); c33.intoArray(acc, r3 + 3 * L);
        c40.intoArray(acc, r4); c41.intoArray(acc, r4 + L); c42.intoArray(acc, r4 + 2 * L); c43.intoArray(acc, r4 + 3 * L);
        c50.intoArray(acc, r5); c51.intoArray(acc, r5 + L); c52.intoArray(acc, r5 + 2 * L); c53.intoArray(acc, r5 + 3 * L);
    }

    /** {@link #forward6x4} for taps in kernel rows of three neighbouring inputs: C2 checks their bounds once. */
    static void forward6x4Rows3(int from, int to, float[] xp, int[] rows, int[] at, int p0, float[] wt, int ld, int c0,
            float[] acc) {
        int a0 = at[p0], a1 = at[p0 + 1], a2 = at[p0 + 2], a3 = at[p0 + 3], a4 = at[p0 + 4], a5 = at[p0 + 5];
        int r0 = p0 * ld + c0, r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld, r5 = r4 + ld;
        FloatVector c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23;
        FloatVector c30, c31, c32, c33, c40, c41, c42, c43, c50, c51, c52, c53;
        if (from == 0) {
            c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = c20 = c21 = c22 = c23 = FloatVector.zero(S);
            c30 = c31 = c32 = c33 = c40 = c41 = c42 = c43 = c50 = c51 = c52 = c53 = FloatVector.zero(S);
        } else {
            c00 = FloatVector.fromArray(S, acc, r0); c01 = FloatVector.fromArray(S, acc, r0 + L);
            c02 = FloatVector.fromArray(S, acc, r0 + 2 * L); c03 = FloatVector.fromArray(S, acc, r0 + 3 * L);
            c10 = FloatVector.fromArray(S, acc, r1); c11 = FloatVector.fromArray(S, acc, r1 + L);
            c12 = FloatVector.fromArray(S, acc, r1 + 2 * L); c13 = FloatVector.fromArray(S, acc, r1 + 3 * L);
            c20 = FloatVector.fromArray(S, acc, r2); c21 = FloatVector.fromArray(S, acc, r2 + L);
            c22 = FloatVector.fromArray(S, acc, r2 + 2 * L); c23 = FloatVector.fromArray(S, acc, r2 + 3 * L);
            c30 = FloatVector.fromArray(S, acc, r3); c31 = FloatVector.fromArray(S, acc, r3 + L);
            c32 = FloatVector.fromArray(S, acc, r3 + 2 * L); c33 = FloatVector.fromArray(S, acc, r3 + 3 * L);
            c40 = FloatVector.fromArray(S, acc, r4); c41 = FloatVector.fromArray(S, acc, r4 + L);
            c42 = FloatVector.fromArray(S, acc, r4 + 2 * L); c43 = FloatVector.fromArray(S, acc, r4 + 3 * L);
            c50 = FloatVector.fromArray(S, acc, r5); c51 = FloatVector.fromArray(S, acc, r5 + L);
            c52 = FloatVector.fromArray(S, acc, r5 + 2 * L); c53 = FloatVector.fromArray(S, acc, r5 + 3 * L);
        }
        FloatVector w0, w1, w2, w3, v;
        for (int t = from; t < to; t += 3) {
            int r = rows[t], wi = t * ld + c0;
            w0 = FloatVector.fromArray(S, wt, wi); w1 = FloatVector.fromArray(S, wt, wi + L);
            w2 = FloatVector.fromArray(S, wt, wi + 2 * L); w3 = FloatVector.fromArray(S, wt, wi + 3 * L);
            v = FloatVector.broadcast(S, xp[r + a0]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, xp[r + a1]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, xp[r + a2]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, xp[r + a3]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, xp[r + a4]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, xp[r + a5]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
            w0 = FloatVector.fromArray(S, wt, wi + 1 * ld); w1 = FloatVector.fromArray(S, wt, wi + 1 * ld + L);
            w2 = FloatVector.fromArray(S, wt, wi + 1 * ld + 2 * L); w3 = FloatVector.fromArray(S, wt, wi + 1 * ld + 3 * L);
            v = FloatVector.broadcast(S, xp[r + a0 + 1]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, xp[r + a1 + 1]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, xp[r + a2 + 1]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, xp[r + a3 + 1]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, xp[r + a4 + 1]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, xp[r + a5 + 1]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
            w0 = FloatVector.fromArray(S, wt, wi + 2 * ld); w1 = FloatVector.fromArray(S, wt, wi + 2 * ld + L);
            w2 = FloatVector.fromArray(S, wt, wi + 2 * ld + 2 * L); w3 = FloatVector.fromArray(S, wt, wi + 2 * ld + 3 * L);
            v = FloatVector.broadcast(S, xp[r + a0 + 2]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, xp[r + a1 + 2]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, xp[r + a2 + 2]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, xp[r + a3 + 2]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, xp[r + a4 + 2]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, xp[r + a5 + 2]);
            c50 = v.fma(w0, c50); c51 = v.fma(w1, c51); c52 = v.fma(w2, c52); c53 = v.fma(w3, c53);
        }
        c00.intoArray(acc, r0); c01.intoArray(acc, r0 + L); c02.intoArray(acc, r0 + 2 * L); c03.intoArray(acc, r0 + 3 * L);
        c10.intoArray(acc, r1); c11.intoArray(acc, r1 + L); c12.intoArray(acc, r1 + 2 * L); c13.intoArray(acc, r1 + 3 * L);
        c20.intoArray(acc, r2); c21.intoArray(acc, r2 + L); c22.intoArray(acc, r2 + 2 * L); c23.intoArray(acc, r2 + 3 * L);
        c30.intoArray(acc, r3); c31.intoArray(acc, r3 + L); c32.intoArray(acc, r3 + 2 * L); c33.intoArray(acc, r3 + 3 * L);
        c40.intoArray(acc, r4); c41.intoArray(acc, r4 + L); c42.intoArray(acc, r4 + 2 * L); c43.intoArray(acc, r4 + 3 * L);
        c50.intoArray(acc, r5); c51.intoArray(acc, r5 + L); c52.intoArray(acc, r5 + 2 * L); c53.intoArray(acc, r5 + 3 * L);
    }
}
