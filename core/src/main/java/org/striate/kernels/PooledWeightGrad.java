package org.striate.kernels;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The weight gradient of a first layer's Conv2d → ReLU → 2×2 max pool ({@link SimdPooledConv#training})
 * taken from the gradient of its pooled output, which is never spread to full size. The padded input is
 * split into its even and odd columns as the forward pass splits it, so the inputs that the outputs of
 * one cell of every window (top or bottom row, even or odd column) read through a tap are contiguous
 * vectors. Each cell's gradient is the pooled gradient where that cell won the window and the ReLU
 * passed it, zero elsewhere: four masked copies of the pooled plane, a quarter of the full size each,
 * with the windows in the lanes. A tap's gradient is then Σ over the four cells of those copies times
 * the inputs the tap reads.
 *
 * <p>Before, the pooled gradient was spread into a full-size buffer per sample (zeros where a cell lost)
 * and the gradient taken as dot products over it, at about a quarter of the peak on fashion-cnn's first
 * layer. Reading the pooled gradient, output and winners is now a third of this pass: they come from
 * memory, written long before.
 */
final class PooledWeightGrad {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final VectorSpecies<Integer> I = S.withLanes(int.class);
    private static final int L = S.length();
    private static final IntVector TWICE_IOTA = IntVector.zero(I).addIndex(2);
    /**
     * Taps whose sums a pass keeps: for two channels 10 sums, 2 gradients and 1 input are 13 vector
     * registers, within the 16 of AVX2 (C2 spills sums to the stack past them); with 32 registers a
     * pass takes four channels (25), and reads each input for four products instead of two.
     */
    static final int TAPS = 5;
    /**
     * Taps per output up to which this pays. Above, the products over the full-size gradient win: with
     * 3 input channels × 3×3 (27 taps, 16 channels, 32 × 32, batch 16, two threads) 122 against 178 µs,
     * since the spread that this saves is then a small share of the work, and its own vectors start at
     * any column, most of them across two cache lines. Fashion-MNIST's 1 × 3×3 → 32 at batch 64: 910 →
     * 450 µs; LeNet's 1 × 5×5 → 6: 325 → 208 µs.
     */
    static final int MAX_TAPS = 25;

    private PooledWeightGrad() {}

    /**
     * The geometries of {@link SimdPooledConv}'s pass of at most {@link #MAX_TAPS} taps whose kernel is at
     * most a vector wide (a tap's column offset then stays within a row's slack of the split input).
     */
    static boolean applies(ConvGeometry g) {
        return SimdPooledConv.applies(g) && g.inC() * g.kH() * g.kW() <= MAX_TAPS && g.kW() <= L;
    }

    /**
     * sum (weights, then biases) accumulates the gradient of samples [from, to): dy, y and arg are the
     * pooled gradient, the pooled (rectified) output and each window's winner as {@link
     * Kernels#conv2dForwardReluMaxPoolArg} wrote them. The sums are kept a vector per weight over all
     * the samples and their lanes added once at the end.
     */
    static void samples(ConvGeometry g, int from, int to, float[] x, float[] dy, float[] y, int[] arg, float[] sum) {
        int k = g.inC() * g.kH() * g.kW(), outC = g.outC(), ws = g.weightSize(), kPad = SimdGemm.roundUp(k, TAPS);
        int hp = g.inH() + 2 * g.padH(), rs = SimdPooledConv.splitRowStride(g), odd = g.inC() * hp * rs;
        int ph = g.outH() / 2, pw = g.outW() / 2, chunks = (pw + L - 1) / L, cells = ph * chunks;
        Scratch s = Scratch.get();
        int[] evens = s.convRows(kPad), odds = s.rows(kPad);
        SimdPooledConv.tapOffsets(g, hp, rs, odd, evens, odds);
        // taps past the last, in the last pass, read the first tap's inputs; their sums are never read
        for (int t = k; t < kPad; t++) evens[t] = evens[0];
        // the window cells' rows: top-left, top-right, bottom-left, bottom-right, each over (pooled row, chunk)
        int[] rowAt = s.poolIndices(4 * cells);
        for (int q = 0, v = 0; q < 4; q++) {
            for (int i = 0; i < ph; i++) {
                for (int c = 0; c < chunks; c++, v++) rowAt[v] = (2 * i + (q >> 1)) * rs + c * L + (q & 1) * odd;
            }
        }
        float[] grads = s.tile(16 * cells * L);
        float[] lanes = s.lanes((outC * kPad + outC) * L);
        Arrays.fill(lanes, 0, (outC * kPad + outC) * L, 0f);
        int plane = ph * pw, ow = g.outW(), biasAt = outC * kPad * L;
        for (int n = from; n < to; n++) {
            float[] split = shiftedSplit(s, g, x, n, hp, rs, odd);
            int o = 0;
            for (; SimdGemm.LARGE_TILE && o + 4 <= outC; o += 4) {
                int p0 = (n * outC + o) * plane;
                for (int c = 0; c < 4; c++) cellGradients(dy, y, arg, p0 + c * plane, ph, pw, ow, grads, c * L, 4, lanes, biasAt + (o + c) * L);
                for (int t0 = 0; t0 < k; t0 += TAPS) cellPass4(4 * cells, evens, t0, rowAt, split, grads, lanes, (o * kPad + t0) * L, kPad * L);
            }
            for (; o < outC; o += 2) {
                int p0 = (n * outC + o) * plane;
                for (int c = 0; c < 2; c++) cellGradients(dy, y, arg, p0 + c * plane, ph, pw, ow, grads, c * L, 2, lanes, biasAt + (o + c) * L);
                for (int t0 = 0; t0 < k; t0 += TAPS) cellPass(4 * cells, evens, t0, rowAt, split, grads, lanes, (o * kPad + t0) * L, kPad * L);
            }
        }
        for (int o = 0; o < outC; o++) {
            for (int t = 0; t < k; t++) sum[o * k + t] += SimdGemm.sumLanes(FloatVector.fromArray(S, lanes, (o * kPad + t) * L));
            sum[ws + o] += SimdGemm.sumLanes(FloatVector.fromArray(S, lanes, biasAt + o * L));
        }
    }

    /**
     * {@link SimdPooledConv#split}'s planes, then from 2·odd its even planes again one column on. A tap
     * read by an output in an odd column, from the odd split at some offset, is then read at the same
     * offset as from an even column, {@code odd} further on: the even column's odd plane is the odd
     * column's even one, and the next plane its odd one. So all four cells of a window share the taps'
     * offsets, and differ only in where their row starts.
     */
    private static float[] shiftedSplit(Scratch s, ConvGeometry g, float[] x, int n, int hp, int rs, int odd) {
        float[] split = SimdPooledConv.split(s, g, x, n * g.inSize(), hp, rs, odd, 3 * odd + L);
        System.arraycopy(split, 1, split, 2 * odd, odd);
        return split;
    }

    /**
     * Writes one channel's four cell gradients into grads (cell q's, pooled row i's, chunk c's vector
     * at ((q·ph + i)·chunks + c)·ways·L + lane, the vectors of a pass's {@code ways} channels side by
     * side, this channel's from {@code lane}) and adds the
     * channel's bias gradient, Σ dy where y > 0, to the vector at lanes[bOff]. Lanes past a row's pw
     * windows are zero.
     */
    private static void cellGradients(float[] dy, float[] y, int[] arg, int p0, int ph, int pw, int ow, float[] grads, int lane,
                                      int ways, float[] lanes, int bOff) {
        FloatVector zero = FloatVector.zero(S), total = zero;
        int chunks = (pw + L - 1) / L, step = ways * ph * chunks * L, readable = Math.min(dy.length, Math.min(y.length, arg.length));
        for (int i = 0, u = 0; i < ph; i++) {
            for (int j = 0; j < pw; j += L, u++) {
                int p = p0 + i * pw + j, corner = 2 * (i * ow + j), to = ways * u * L + lane;
                if (p + L > readable) {
                    lastCells(dy, y, arg, p, pw - j, corner, ow, grads, to, step, lanes, bOff);
                    continue;
                }
                // lanes past the row's last window read the next row's, and are masked out
                VectorMask<Float> kept = FloatVector.fromArray(S, y, p).compare(VectorOperators.GT, 0f).and(S.indexInRange(j, pw));
                FloatVector d = zero.blend(FloatVector.fromArray(S, dy, p), kept);
                total = total.add(d);
                // each window's winner as an offset from its top-left cell: 0, 1, ow or ow + 1
                IntVector at = IntVector.fromArray(I, arg, p).sub(TWICE_IOTA.add(corner));
                zero.blend(d, at.compare(VectorOperators.EQ, 0).cast(S)).intoArray(grads, to);
                zero.blend(d, at.compare(VectorOperators.EQ, 1).cast(S)).intoArray(grads, to + step);
                zero.blend(d, at.compare(VectorOperators.EQ, ow).cast(S)).intoArray(grads, to + 2 * step);
                zero.blend(d, at.compare(VectorOperators.EQ, ow + 1).cast(S)).intoArray(grads, to + 3 * step);
            }
        }
        total.add(FloatVector.fromArray(S, lanes, bOff)).intoArray(lanes, bOff);
    }

    /**
     * The windows of {@link #cellGradients} whose vector would read past the end of the arrays, one
     * lane at a time: the first {@code count} of the L from p.
     */
    private static void lastCells(float[] dy, float[] y, int[] arg, int p, int count, int corner, int ow, float[] grads, int to,
                                  int step, float[] lanes, int bOff) {
        for (int q = 0; q < 4; q++) Arrays.fill(grads, to + q * step, to + q * step + L, 0f);
        for (int lane = 0; lane < Math.min(count, L); lane++) {
            float d = y[p + lane] > 0 ? dy[p + lane] : 0f;
            int at = arg[p + lane] - (corner + 2 * lane), q = at == 0 ? 0 : at == 1 ? 1 : at == ow ? 2 : 3;
            grads[to + q * step + lane] = d;
            lanes[bOff + lane] += d;
        }
    }

    /**
     * {@link #TAPS} taps from t0 of two channels: the vectors at lanes[a] (channel 0's taps) and
     * lanes[a + ld] (channel 1's) += Σ over the window cells' rows v of the cells' gradients times the inputs
     * each tap reads there (split from rowAt[v] + the tap's offset). One loop, its offsets made
     * beforehand: C2 keeps the sums in registers only in a loop this simple.
     */
    private static void cellPass(int rows, int[] offs, int t0, int[] rowAt, float[] split, float[] grads, float[] lanes, int a, int ld) {
        int b = a + ld;
        FloatVector a0 = FloatVector.fromArray(S, lanes, a), a1 = FloatVector.fromArray(S, lanes, a + L);
        FloatVector a2 = FloatVector.fromArray(S, lanes, a + 2 * L), a3 = FloatVector.fromArray(S, lanes, a + 3 * L);
        FloatVector a4 = FloatVector.fromArray(S, lanes, a + 4 * L), b0 = FloatVector.fromArray(S, lanes, b);
        FloatVector b1 = FloatVector.fromArray(S, lanes, b + L), b2 = FloatVector.fromArray(S, lanes, b + 2 * L);
        FloatVector b3 = FloatVector.fromArray(S, lanes, b + 3 * L), b4 = FloatVector.fromArray(S, lanes, b + 4 * L);
        int o0 = offs[t0], o1 = offs[t0 + 1], o2 = offs[t0 + 2], o3 = offs[t0 + 3], o4 = offs[t0 + 4];
        for (int v = 0; v < rows; v++) {
            int at = rowAt[v], gi = 2 * v * L;
            FloatVector d0 = FloatVector.fromArray(S, grads, gi), d1 = FloatVector.fromArray(S, grads, gi + L);
            FloatVector x = FloatVector.fromArray(S, split, at + o0);
            a0 = x.fma(d0, a0);
            b0 = x.fma(d1, b0);
            x = FloatVector.fromArray(S, split, at + o1);
            a1 = x.fma(d0, a1);
            b1 = x.fma(d1, b1);
            x = FloatVector.fromArray(S, split, at + o2);
            a2 = x.fma(d0, a2);
            b2 = x.fma(d1, b2);
            x = FloatVector.fromArray(S, split, at + o3);
            a3 = x.fma(d0, a3);
            b3 = x.fma(d1, b3);
            x = FloatVector.fromArray(S, split, at + o4);
            a4 = x.fma(d0, a4);
            b4 = x.fma(d1, b4);
        }
        a0.intoArray(lanes, a);
        a1.intoArray(lanes, a + L);
        a2.intoArray(lanes, a + 2 * L);
        a3.intoArray(lanes, a + 3 * L);
        a4.intoArray(lanes, a + 4 * L);
        b0.intoArray(lanes, b);
        b1.intoArray(lanes, b + L);
        b2.intoArray(lanes, b + 2 * L);
        b3.intoArray(lanes, b + 3 * L);
        b4.intoArray(lanes, b + 4 * L);
    }

    /** {@link #cellPass} for four channels: the vectors at lanes[a], [a + ld], [a + 2·ld] and [a + 3·ld]. */
    private static void cellPass4(int rows, int[] offs, int t0, int[] rowAt, float[] split, float[] grads, float[] lanes, int a, int ld) {
        FloatVector a0 = FloatVector.fromArray(S, lanes, a), a1 = FloatVector.fromArray(S, lanes, a + L);
        FloatVector a2 = FloatVector.fromArray(S, lanes, a + 2 * L), a3 = FloatVector.fromArray(S, lanes, a + 3 * L);
        FloatVector a4 = FloatVector.fromArray(S, lanes, a + 4 * L);
        int b = a + ld, c = b + ld, e = c + ld;
        FloatVector b0 = FloatVector.fromArray(S, lanes, b), b1 = FloatVector.fromArray(S, lanes, b + L);
        FloatVector b2 = FloatVector.fromArray(S, lanes, b + 2 * L), b3 = FloatVector.fromArray(S, lanes, b + 3 * L);
        FloatVector b4 = FloatVector.fromArray(S, lanes, b + 4 * L);
        FloatVector c0 = FloatVector.fromArray(S, lanes, c), c1 = FloatVector.fromArray(S, lanes, c + L);
        FloatVector c2 = FloatVector.fromArray(S, lanes, c + 2 * L), c3 = FloatVector.fromArray(S, lanes, c + 3 * L);
        FloatVector c4 = FloatVector.fromArray(S, lanes, c + 4 * L);
        FloatVector e0 = FloatVector.fromArray(S, lanes, e), e1 = FloatVector.fromArray(S, lanes, e + L);
        FloatVector e2 = FloatVector.fromArray(S, lanes, e + 2 * L), e3 = FloatVector.fromArray(S, lanes, e + 3 * L);
        FloatVector e4 = FloatVector.fromArray(S, lanes, e + 4 * L);
        int o0 = offs[t0], o1 = offs[t0 + 1], o2 = offs[t0 + 2], o3 = offs[t0 + 3], o4 = offs[t0 + 4];
        for (int v = 0; v < rows; v++) {
            int at = rowAt[v], gi = 4 * v * L;
            FloatVector d0 = FloatVector.fromArray(S, grads, gi), d1 = FloatVector.fromArray(S, grads, gi + L);
            FloatVector d2 = FloatVector.fromArray(S, grads, gi + 2 * L), d3 = FloatVector.fromArray(S, grads, gi + 3 * L);
            FloatVector x = FloatVector.fromArray(S, split, at + o0);
            a0 = x.fma(d0, a0); b0 = x.fma(d1, b0); c0 = x.fma(d2, c0); e0 = x.fma(d3, e0);
            x = FloatVector.fromArray(S, split, at + o1);
            a1 = x.fma(d0, a1); b1 = x.fma(d1, b1); c1 = x.fma(d2, c1); e1 = x.fma(d3, e1);
            x = FloatVector.fromArray(S, split, at + o2);
            a2 = x.fma(d0, a2); b2 = x.fma(d1, b2); c2 = x.fma(d2, c2); e2 = x.fma(d3, e2);
            x = FloatVector.fromArray(S, split, at + o3);
            a3 = x.fma(d0, a3); b3 = x.fma(d1, b3); c3 = x.fma(d2, c3); e3 = x.fma(d3, e3);
            x = FloatVector.fromArray(S, split, at + o4);
            a4 = x.fma(d0, a4); b4 = x.fma(d1, b4); c4 = x.fma(d2, c4); e4 = x.fma(d3, e4);
        }
        a0.intoArray(lanes, a); a1.intoArray(lanes, a + L); a2.intoArray(lanes, a + 2 * L); a3.intoArray(lanes, a + 3 * L); a4.intoArray(lanes, a + 4 * L);
        b0.intoArray(lanes, b); b1.intoArray(lanes, b + L); b2.intoArray(lanes, b + 2 * L); b3.intoArray(lanes, b + 3 * L); b4.intoArray(lanes, b + 4 * L);
        c0.intoArray(lanes, c); c1.intoArray(lanes, c + L); c2.intoArray(lanes, c + 2 * L); c3.intoArray(lanes, c + 3 * L); c4.intoArray(lanes, c + 4 * L);
        e0.intoArray(lanes, e); e1.intoArray(lanes, e + L); e2.intoArray(lanes, e + 2 * L); e3.intoArray(lanes, e + 3 * L); e4.intoArray(lanes, e + 4 * L);
    }
}
