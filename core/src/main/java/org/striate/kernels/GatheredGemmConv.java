package org.striate.kernels;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The forward pass of a 1×1 convolution at a stride ({@link ChannelLaneConv#subsamples}, a residual
 * block's shortcut) as one GEMM over several samples at once: the inputs it reads are gathered channel
 * by channel, the samples side by side, so the product's columns are (samples × output positions) and
 * its panels are whole however small the map. Per sample, a 7 × 7 map is 49 columns, three panels and a
 * column; the channel-lane tiles that took such maps write their output back channels first in
 * scattered blocks. The product goes to a buffer of the thread's, then to each sample's planes with the
 * bias (and ReLU).
 *
 * <p>resnet8's shortcuts, two threads, calls taking turns in one JVM (before: 7 × 7 outputs on the
 * channel-lane tiles, 14 × 14 on a product per sample): 64 → 128 channels, 14 × 14 → 7 × 7, batch 256
 * 2,123 → 1,892 µs; 32 → 64, 28 × 28 → 14 × 14, batch 256 3,247 → 2,227 µs, batch 64 664 → 468 µs.
 */
final class GatheredGemmConv {
    private static final VectorSpecies<Float> S = SimdGemm.S;
    private static final int L = S.length();
    /**
     * Floats of a product's output that a group fills at most (outC × samples × positions): the product
     * is then read back from L2 as it is copied out. Two threads, calls taking turns in one JVM, batch
     * 256: 64 → 128 channels, 14 × 14 → 7 × 7, 1,805 µs at 32,768 floats (5 samples), 2,006 at 16,384,
     * 1,911 at 65,536; 32 → 64, 28 × 28 → 14 × 14, 2,301 and 2,351 at 16,384 and 32,768, 2,385 at 65,536.
     */
    static final int PRODUCT_FLOATS = 32_768;

    private GatheredGemmConv() {}

    /**
     * A strided 1×1 convolution whose map is small enough that two samples or more make one product,
     * with two such groups or more for each thread. Larger maps already fill whole panels per sample
     * ({@link Im2colConv}); many channels on a small map stay on the channel-lane tiles (resnet18's 256
     * → 512, 14 × 14 → 7 × 7, batch 16: one sample a product, 1,605 µs against the tiles' 1,298).
     */
    static boolean applies(ConvGeometry g, int batch, int threads) {
        return ChannelLaneConv.subsamples(g) && g.groups() == 1 && group(g, batch, threads) >= 2;
    }

    /** Samples per product: {@link #PRODUCT_FLOATS} of output at most, and no more than leave each thread two groups. */
    static int group(ConvGeometry g, int batch, int threads) {
        int wanted = PRODUCT_FLOATS / g.outC() / (g.outH() * g.outW());
        return Math.max(1, Math.min(wanted, batch / (2 * threads)));
    }

    /**
     * y (samples [n0, n0 + count)) = the convolution of x with the weights ap packed whole ({@link
     * WeightCache#packed}), plus bias, plus res when not null (a residual sum, {@link
     * Kernels#conv2dForwardAdd}), then max(·, 0) with {@code relu}.
     */
    static void samples(ConvGeometry g, int n0, int count, float[] x, float[] ap, float[] bias, int bOff, boolean relu, float[] res,
                        float[] y) {
        int in = g.inC(), out = g.outC(), positions = g.outH() * g.outW(), cols = count * positions;
        Scratch s = Scratch.get();
        float[] xs = s.col(in * cols + SimdGemm.roundUp(g.outW(), L));
        gather(g, x, n0, count, xs, cols);
        float[] c = s.sampleOut(out * cols);
        SimdGemm.multiplyPacked(out, 0, cols, in, ap, 0, xs, SimdGemm.strided(s.convRows(in), in, 0, cols), 0f, c, 0, cols);
        float floor = relu ? 0f : Float.NEGATIVE_INFINITY;
        for (int n = 0; n < count; n++) {
            for (int o = 0; o < out; o++) {
                float b = bias == null ? 0f : bias[bOff + o];
                int from = o * cols + n * positions, to = (n0 + n) * g.outSize() + o * positions, j = 0;
                if (res == null) {
                    for (; j + L <= positions; j += L) FloatVector.fromArray(S, c, from + j).add(b).max(floor).intoArray(y, to + j);
                    for (; j < positions; j++) y[to + j] = Math.max(c[from + j] + b, floor);
                } else {
                    for (; j + L <= positions; j += L) {
                        FloatVector.fromArray(S, c, from + j).add(b).add(FloatVector.fromArray(S, res, to + j)).max(floor).intoArray(y, to + j);
                    }
                    for (; j < positions; j++) y[to + j] = Math.max(c[from + j] + b + res[to + j], floor);
                }
            }
        }
    }

    /**
     * xs row c (cols = count·positions floats, the samples one after another) = the inputs input
     * channel c gives at the output positions, of samples [n0, n0 + count), by {@link
     * Im2colConv#subsamplePlane}: a row's spill lands on what is written next (the next row, sample or
     * channel; the last one's on xs's slack).
     */
    private static void gather(ConvGeometry g, float[] x, int n0, int count, float[] xs, int cols) {
        int plane = g.inH() * g.inW();
        for (int c = 0; c < g.inC(); c++) {
            for (int n = 0, to = c * cols; n < count; n++) to = Im2colConv.subsamplePlane(g, x, (n0 + n) * g.inSize() + c * plane, xs, to);
        }
    }
}
