package org.striate.kernels;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.striate.kernels.KernelAssert.close;
import static org.striate.kernels.KernelAssert.random;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Threads change only how work is split: 2 or 3 threads match 1 thread within float tolerance, and
 * the same thread count gives bit-identical results run after run (static parts, reductions summed
 * in part order).
 */
class ThreadDeterminismTest {

    /** Every kernel's outputs for one fixed set of inputs, concatenated. */
    private static float[] runAll(Kernels k) {
        Random r = new Random(11);
        ConvGeometry g = new ConvGeometry(6, 11, 13, 10, 3, 3, 1, 1, 1, 1, 1, 1, 2);
        int batch = 7;
        float[] x = random(r, batch * g.inSize()), w = random(r, g.weightSize() + g.outC());
        float[] y = new float[batch * g.outSize()], dy = random(r, y.length), dx = new float[x.length];
        float[] dw = new float[w.length];
        k.conv2dForward(g, batch, x, w, 0, w, g.weightSize(), y);
        k.conv2dBackwardInput(g, batch, dy, w, 0, dx);
        k.conv2dBackwardParams(g, batch, x, dy, dw, 0, dw, g.weightSize());
        int in = 601, out = 45;
        float[] dxIn = random(r, batch * in), dW = random(r, out * in + out);
        float[] dOut = new float[batch * out], dyD = random(r, dOut.length), ddx = new float[dxIn.length], ddw = new float[dW.length];
        k.denseForward(batch, in, out, dxIn, dW, 0, dW, out * in, dOut);
        k.denseBackward(batch, in, out, dxIn, dW, 0, dyD, ddx, ddw, 0, ddw, out * in);
        float[] c = new float[70 * 90];
        k.gemm(false, true, 70, 90, 333, random(r, 70 * 333), 0, 333, random(r, 90 * 333), 0, 333, 0f, c, 0, 90);
        return concat(y, dx, dw, dOut, ddx, ddw, c);
    }

    /** The parts one after another in a new array. */
    static float[] concat(float[]... parts) {
        int n = 0;
        for (float[] p : parts) n += p.length;
        float[] all = new float[n];
        int at = 0;
        for (float[] p : parts) {
            System.arraycopy(p, 0, all, at, p.length);
            at += p.length;
        }
        return all;
    }

    @Test
    void threadCountsAgreeAndRepeatBitForBit() throws Exception {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "Vector API not available");
        float[] reference = runAll(new ScalarKernels());
        float[] one = null;
        for (int threads = 1; threads <= 3; threads++) {
            Kernels k = KernelProvider.simd(threads);
            try {
                float[] first = runAll(k);
                for (int again = 0; again < 3; again++) {
                    assertArrayEquals(first, runAll(k), threads + " threads, repeat " + again + " differs");
                }
                close(reference, first, first.length, 400, threads + " threads vs scalar");
                if (one == null) one = first;
                else close(one, first, first.length, 400, threads + " threads vs 1 thread");
            } finally {
                ((AutoCloseable) k).close();
            }
        }
    }
}
