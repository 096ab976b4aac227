package org.striate.kernels;

/**
 * A dense layer's forward pass on the channel-lane tiles ({@link ChannelLaneTiles}): y = x·Wᵀ + b is
 * a 1×1 convolution whose positions are the rows of x and whose taps are its inputs, so a tile holds
 * 6 rows × 64 units in registers and each input adds one broadcast per row times one vector load per
 * 16 units. The weights are read from a kept transposed copy (inputs, units) in blocks that stay in
 * L1 while every tile walks over them; the GEMM this replaces streamed its weight panel from L2 and
 * packed the rows of x on every call. fashion-cnn's 3136 → 128 layer: 0.69–0.73 against 0.80–0.82 ms
 * for 128 rows on one thread, 0.97–1.11 against 1.41–1.48 ms for 256 rows split over two; inside the
 * model's inference, 0.78–0.88 against 1.13–1.37 ms for a thread's slice of 128 rows.
 *
 * <p>Units are padded to whole tiles with zero weights, where that costs at most an eighth more
 * multiply-adds; the tiles' (rows, units) accumulators are the layout of y, copied out with the bias.
 */
final class ChannelLaneDense {
    private static final int L = SimdGemm.L;
    private static final int PR = ChannelLaneTiles.POSITIONS, CB = ChannelLaneTiles.CB;

    private ChannelLaneDense() {}

    /** Units padded to whole tiles: the units of the kept weights and of the accumulators. */
    static int paddedUnits(int out) { return (out + CB - 1) / CB * CB; }

    /** Tiles of units the walk takes together, so that each input a tile broadcasts is read once for all of them. */
    private static final int TOGETHER = 2;

    /**
     * The row length of the kept weights (and of the accumulators) for {@code units} padded units: the
     * units themselves when one walk covers them all ({@value #TOGETHER} tiles), since every block of
     * weights it reads is then one contiguous run and no rows of it share L1's sets; otherwise a vector
     * more, as {@link ChannelLaneTiles#lead} gives. The weights are read from memory once per call, so
     * the 16 floats a row saves are an eighth of the bytes at 128 units: fashion-cnn's 3136 → 128 layer,
     * one thread of an Intel AVX-512 machine, L2 flushed before each call, calls taking turns in one
     * JVM (rows of 144 → 128 floats): 16 rows 169–170 → 147–149 µs, 32 rows 289–291 → 285–286, 128 rows
     * 996–1,007 → 917–932. {@link SingleRowDense} reads the same copy.
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
        int units = paddedUnits(out), ld = lead(units), tiles = (batch + PR - 1) / PR, covered = tiles * PR;
        float[] wt = WeightCache.mine().transposed(w, wOff, out, in, ld);
        Scratch s = Scratch.get();
        int[] rows = s.convRows(in);
        for (int t = 0; t < in; t++) rows[t] = t;
        // rows past the last repeat it, so a part tile reads real values and its extra rows are never used
        int[] at = s.rows(covered);
        for (int p = 0; p < covered; p++) at[p] = Math.min(p, batch - 1) * in;
        float[] acc = s.ext(covered * ld);
        ChannelLaneTiles.walk(tiles, in, true, TOGETHER, x, rows, at, wt, units, ld, acc, pool);
        withBias(batch, out, acc, ld, b, bOff, y);
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
}
