package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.pick;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** Inference's conv → ReLU → max pool in one pass ({@link PooledLaneConv}) against the scalar kernels' conv, then pool. */
class PooledLaneConvTest extends AgainstScalar {
    /**
     * 1,000 random shapes: 1 to 70 input channels, one to three tiles of output channels (and, for the
     * path that pools a full-size output, channel counts that are not whole tiles), kernels of 1 to 7 a
     * side at strides 1 to 3 with padding, pools of 1 to 4 a side at strides 1 to 3 with padding up to
     * half the window (resnet18's 3 × 3, stride 2, padding 1 among them), maps of 1 to 72 a side (several
     * chunks, whose windows share rows, and part tiles), batches 1 to 5 on two threads (a batch of one
     * splits its pooled rows into bands). The output buffer holds other values first.
     */
    @Test
    void pooledConvolutionsMatchConvThenPool() {
        Random r = new Random(83);
        int fused = 0, severalChunks = 0;
        for (int used = 0; used < 1000; ) {
            // one shape in eight is large and cheap (few channels, a 3 × 3 kernel at stride 1), so that its
            // pooled rows take several chunks
            boolean large = r.nextInt(8) == 0;
            int inC = large ? 1 + r.nextInt(4) : r.nextInt(3) == 0 ? 1 + r.nextInt(4) : 1 + r.nextInt(70);
            int outC = !large && r.nextInt(5) == 0 ? 1 + r.nextInt(40) : ChannelLaneTiles.CB * (1 + r.nextInt(large ? 1 : 3));
            int k = large ? 3 : pick(r, new int[] {1, 2, 3, 3, 5, 7}), s = large ? 1 : 1 + r.nextInt(3), pad = r.nextInt(k / 2 + 1);
            int inH = k + (large ? 40 + r.nextInt(30) : r.nextInt(20)), inW = k + (large ? 40 + r.nextInt(30) : r.nextInt(20));
            ConvGeometry g = new ConvGeometry(inC, inH, inW, outC, k, k, s, s, pad, pad, 1, 1, 1);
            int pk = 1 + r.nextInt(4), ps = 1 + r.nextInt(3), pp = r.nextInt(pk / 2 + 1);
            if (g.outH() + 2 * pp < pk || g.outW() + 2 * pp < pk) continue;
            PoolGeometry p = new PoolGeometry(PoolGeometry.Kind.MAX, outC, g.outH(), g.outW(), pk, pk, ps, ps, pp, pp);
            if (p.outH() < 1 || p.outW() < 1) continue;
            used++;
            if (PooledLaneConv.applies(g, p)) fused++;
            if (p.outH() > Math.max(1, ChannelLaneConv.CHUNK_TILES * ChannelLaneTiles.POSITIONS / (ps * g.outW()))) severalChunks++;
            int batch = 1 + r.nextInt(5);
            float[] x = random(r, batch * g.inSize()), w = random(r, 3 + g.weightSize() + outC);
            float[] expected = random(r, batch * p.outSize()), actual = random(r, expected.length);
            REF.conv2dForwardReluPool(g, p, batch, x, w, 3, w, 3 + g.weightSize(), expected);
            simd.conv2dForwardReluPool(g, p, batch, x, w, 3, w, 3 + g.weightSize(), actual);
            close(expected, actual, expected.length, inC * k * k, g + " pool " + pk + "/" + ps + "/" + pp + " batch " + batch);
        }
        if (ChannelLaneTiles.LARGE) assertTrue(fused >= 600, "shapes the fused pass took: " + fused);
        assertTrue(severalChunks >= 20, "shapes of several chunks: " + severalChunks);
    }

    /** The scalar kernels' own pair agrees with the max of a direct convolution's ReLU over each window. */
    @Test
    void scalarReferenceIsTheMaxOfEachWindow() {
        ConvGeometry g = new ConvGeometry(2, 9, 8, 3, 3, 3, 2, 2, 1, 1, 1, 1, 1);
        PoolGeometry p = new PoolGeometry(PoolGeometry.Kind.MAX, 3, g.outH(), g.outW(), 3, 3, 2, 2, 1, 1);
        Random r = new Random(5);
        float[] x = random(r, g.inSize()), w = random(r, g.weightSize() + 3), y = new float[p.outSize()], full = new float[g.outSize()];
        REF.conv2dForwardRelu(g, 1, x, w, 0, w, g.weightSize(), full);
        REF.conv2dForwardReluPool(g, p, 1, x, w, 0, w, g.weightSize(), y);
        for (int o = 0; o < 3; o++) {
            for (int i = 0; i < p.outH(); i++) {
                for (int j = 0; j < p.outW(); j++) {
                    float best = Float.NEGATIVE_INFINITY;
                    for (int a = 2 * i - 1; a <= 2 * i + 1; a++) {
                        for (int b = 2 * j - 1; b <= 2 * j + 1; b++) {
                            if (a >= 0 && a < g.outH() && b >= 0 && b < g.outW()) best = Math.max(best, full[(o * g.outH() + a) * g.outW() + b]);
                        }
                    }
                    assertTrue(best == y[(o * p.outH() + i) * p.outW() + j], "channel " + o + " at " + i + "," + j);
                }
            }
        }
    }
}
