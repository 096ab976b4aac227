package org.striate.kernels;

import java.util.concurrent.atomic.AtomicInteger;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * A dense layer's forward pass on channel-lane tiles: y = x·Wᵀ + b is a 1×1 convolution whose
 * positions are the rows of x and whose taps are its inputs, so a tile holds 6 rows × 64 units in
 * registers and each input adds one broadcast per row times one vector load per 16 units. The weights
 * are read from a kept copy in panels of a tile's 64 units ({@link #arrange}), in blocks of
 * {@value #KC} inputs that stay in L1 while every tile walks over them; the GEMM this replaced
 * streamed its weight panel from L2 and packed the rows of x on every call.
 *
 * <p>The tile reads x and the panels at the loop's counter (x[row + i], panel[i·64 + …]), so C2
 * checks their bounds once per call instead of at every load, where the convolutions' tile
 * ({@link ChannelLaneTiles}) finds each input through a table of taps and its weights ld floats apart.
 * fashion-cnn's 3136 → 128 layer, 128 rows, one thread of an Intel AVX-512 machine, L2 flushed before
 * each call, calls taking turns in one JVM: 943–965 µs through the convolutions' walk, 799–802 here;
 * on data in L1, 124–132 against 145–162 GFLOP/s.
 *
 * <p>Units are padded to whole tiles with zero weights, where that costs at most an eighth more
 * multiply-adds; the tiles' (rows, units) accumulators are the layout of y, copied out with the bias.
 */
final class ChannelLaneDense {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = SimdGemm.L;
    private static final int PR = ChannelLaneTiles.POSITIONS, CB = ChannelLaneTiles.CB;

    private ChannelLaneDense() {}

    /** Units padded to whole tiles: the units of the kept weights and of the accumulators. */
    static int paddedUnits(int out) { return (out + CB - 1) / CB * CB; }

    /** Tiles of units the walk takes together, so that each input a tile broadcasts is read once for all of them. */
    private static final int TOGETHER = 2;

    /**
     * The row length of the accumulators for {@code units} padded units: the units themselves up to
     * {@value #TOGETHER} tiles, else a vector more, as {@link ChannelLaneTiles#lead} gives, so that rows
     * a multiple of 512 B apart do not share a few of L1's sets.
     */
    static int lead(int units) {
        return units <= TOGETHER * CB ? units : ChannelLaneTiles.lead(units);
    }

    /**
     * 512-bit vectors (a tile's 24 accumulators and 4 weight vectors need 32 registers), and units
     * that fill whole tiles but for at most an eighth (57 units and up).
     */
    static boolean applies(int out) {
        return L >= 16 && paddedUnits(out) * 8 <= out * 9;
    }

    /** y (batch, out) = x (batch, in) · wᵀ + b, w (out, in) at wOff; tiles split over the pool when given. */
    static void forward(int batch, int in, int out, float[] x, float[] w, int wOff, float[] b, int bOff, float[] y,
                        Parallel pool) {
        int units = paddedUnits(out), ld = lead(units), tiles = (batch + PR - 1) / PR;
        float[] wp = WeightCache.mine().panels(w, wOff, out, in);
        float[] acc = Scratch.get().ext(tiles * PR * ld);
        if (pool == null) {
            walk(0, tiles, batch, in, units, ld, x, wp, acc);
        } else {
            Walk job = WALKS.get();
            job.set(batch, in, units, ld, x, wp, acc, tiles, (tiles + SHARES * pool.threads() - 1) / (SHARES * pool.threads()));
            try {
                pool.run(pool.threads(), job);
            } finally {
                job.set(0, 0, 0, 0, null, null, null, 0, 1);
            }
        }
        withBias(batch, out, acc, ld, b, bOff, y);
    }

    /**
     * w (out, in) at wOff as panels of {@link #CB} units, panel q holding (in, CB): the weights of units
     * [q·CB, q·CB + CB) for each input in turn, zeros for units past {@code out} (left as they are).
     */
    static void arrange(float[] w, int wOff, int out, int in, float[] panels) {
        for (int u0 = 0; u0 < out; u0 += CB) {
            int n = Math.min(CB, out - u0), at = u0 * in;
            if (n % L == 0) {
                LaneTranspose.transpose(w, wOff + u0 * in, n, in, panels, at, CB);
            } else {
                for (int u = 0; u < n; u++) {
                    for (int i = 0; i < in; i++) panels[at + i * CB + u] = w[wOff + (u0 + u) * in + i];
                }
            }
        }
    }

    /**
     * Inputs per block: {@value} × 128 units of weights are 24 KB, half of L1. fashion-cnn's 3136 → 128
     * layer, 128 rows, one thread, L2 flushed before each call: 799–802 µs, against 904–918 for blocks of
     * 24 inputs, 960–1,009 for 32, 814–833 for 64, 836–845 for 96 and 885–916 for 144.
     */
    static final int KC = 48;

    /**
     * Tiles [t0, t1) of 6 rows each (rows past the last repeat it, so a part tile reads real values and
     * its extra sums are never used) over blocks of {@link #KC} inputs and {@link #TOGETHER} panels of
     * units: each block of weights stays in L1 while every tile takes it, and each row's inputs of a
     * block are read from memory once for all of its panels.
     */
    private static void walk(int t0, int t1, int batch, int in, int units, int ld, float[] x, float[] wp, float[] acc) {
        int last = (batch - 1) * in;
        for (int u0 = 0; u0 < units; u0 += TOGETHER * CB) {
            int u1 = Math.min(units, u0 + TOGETHER * CB);
            for (int from = 0; from < in; from += KC) {
                int to = Math.min(in, from + KC);
                for (int tile = t0; tile < t1; tile++) {
                    int a = tile * PR * in;
                    int a1 = Math.min(a + in, last), a2 = Math.min(a + 2 * in, last), a3 = Math.min(a + 3 * in, last);
                    int a4 = Math.min(a + 4 * in, last), a5 = Math.min(a + 5 * in, last);
                    for (int u = u0; u < u1; u += CB) {
                        tile(from, to, x, a, a1, a2, a3, a4, a5, wp, u * in, acc, tile * PR * ld + u, ld);
                    }
                }
            }
        }
    }

    /**
     * y (batch, out) = the accumulators' rows (ld apart) plus b, by a plain loop that C2 vectorises
     * itself: written with the Vector API, inside {@link #forward} or in a method of its own, C2 left
     * its adds to the allocating Java fallback for whole runs of {@code striate bench} (fashion-cnn:
     * 160 KiB an inference call, an array per add).
     */
    private static void withBias(int batch, int out, float[] acc, int ld, float[] b, int bOff, float[] y) {
        for (int n = 0; n < batch; n++) {
            int from = n * ld, to = n * out;
            if (b == null) System.arraycopy(acc, from, y, to, out);
            else for (int o = 0; o < out; o++) y[to + o] = acc[from + o] + b[bOff + o];
        }
    }

    /**
     * Shares of a call's tiles a thread takes about: each share reads all the weights once, and the
     * shares go to whichever thread asks next, so a thread slowed by other work takes fewer.
     * fashion-cnn's inference (its dense layer on the whole batch of 256 rows), two threads: with one core
     * kept busy by another process 14,932–16,211 img/s in halves, 15,633–16,711 in shares; quiet 31,479–
     * 32,905 and 31,978–34,428.
     */
    static final int SHARES = 2;

    /** A call's shares of tiles, the next not yet taken to whichever thread asks; reused per calling thread. */
    private static final class Walk implements Parallel.RangeTask {
        private final AtomicInteger next = new AtomicInteger();
        private int batch, in, units, ld, tiles, per;
        private float[] x, wp, acc;

        void set(int batch, int in, int units, int ld, float[] x, float[] wp, float[] acc, int tiles, int per) {
            next.set(0);
            this.batch = batch;
            this.in = in;
            this.units = units;
            this.ld = ld;
            this.x = x;
            this.wp = wp;
            this.acc = acc;
            this.tiles = tiles;
            this.per = per;
        }

        @Override
        public void run(int part, int from, int to) {
            for (int s = next.getAndIncrement(); s * per < tiles; s = next.getAndIncrement()) {
                walk(s * per, Math.min(tiles, (s + 1) * per), batch, in, units, ld, x, wp, acc);
            }
        }
    }

    private static final ThreadLocal<Walk> WALKS = ThreadLocal.withInitial(Walk::new);

    /**
     * Rows starting at a0 … a5 in x × the panel at wb, inputs [from, to), into acc's rows r0, r0 + ld, …
     * (the first block starts from zero): 24 sums in registers, written out in full as {@link ChannelLaneTiles}' tiles are.
     */
    static void tile(int from, int to, float[] x, int a0, int a1, int a2, int a3, int a4, int a5, float[] wp, int wb,
                     float[] acc, int r0, int ld) {
        int r1 = r0 + ld, r2 = r1 + ld, r3 = r2 + ld, r4 = r3 + ld, r5 = r4 + ld;
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
        for (int i = from; i < to; i++) {
            int wi = wb + i * CB;
            w0 = FloatVector.fromArray(S, wp, wi); w1 = FloatVector.fromArray(S, wp, wi + L);
            w2 = FloatVector.fromArray(S, wp, wi + 2 * L); w3 = FloatVector.fromArray(S, wp, wi + 3 * L);
            v = FloatVector.broadcast(S, x[a0 + i]);
            c00 = v.fma(w0, c00); c01 = v.fma(w1, c01); c02 = v.fma(w2, c02); c03 = v.fma(w3, c03);
            v = FloatVector.broadcast(S, x[a1 + i]);
            c10 = v.fma(w0, c10); c11 = v.fma(w1, c11); c12 = v.fma(w2, c12); c13 = v.fma(w3, c13);
            v = FloatVector.broadcast(S, x[a2 + i]);
            c20 = v.fma(w0, c20); c21 = v.fma(w1, c21); c22 = v.fma(w2, c22); c23 = v.fma(w3, c23);
            v = FloatVector.broadcast(S, x[a3 + i]);
            c30 = v.fma(w0, c30); c31 = v.fma(w1, c31); c32 = v.fma(w2, c32); c33 = v.fma(w3, c33);
            v = FloatVector.broadcast(S, x[a4 + i]);
            c40 = v.fma(w0, c40); c41 = v.fma(w1, c41); c42 = v.fma(w2, c42); c43 = v.fma(w3, c43);
            v = FloatVector.broadcast(S, x[a5 + i]);
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
