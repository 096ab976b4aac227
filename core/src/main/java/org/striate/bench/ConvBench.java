package org.striate.bench;

import java.util.Random;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.nn.Conv2d;

/**
 * One Conv2d layer's kernels timed alone: 2·MACs FLOPs forward, twice that backward (dW and dx); the
 * best of several windows, as the peak it is compared with ({@link Timing#bestPerSecond}).
 */
final class ConvBench {
    private ConvBench() {}

    static BenchResult.ConvFigures measure(Conv2d conv, int batch, double seconds, double peak, Random rng) {
        ConvGeometry g = conv.geometry();
        Kernels k = Kernels.get();
        float[] x = random(rng, batch * g.inSize()), w = random(rng, g.weightSize() + g.outC());
        float[] y = new float[batch * g.outSize()], dy = random(rng, y.length);
        float[] dx = new float[x.length], dw = new float[w.length];
        double flops = 2.0 * g.macs() * batch;
        double fwd = flops * Timing.bestPerSecond(() -> k.conv2dForward(g, batch, x, w, 0, w, g.weightSize(), y), seconds) / 1e9;
        double bwd = 2 * flops * Timing.bestPerSecond(() -> {
            k.conv2dBackwardParams(g, batch, x, dy, dw, 0, dw, g.weightSize());
            k.conv2dBackwardInput(g, batch, dy, w, 0, dx);
        }, seconds) / 1e9;
        String geometry = g.inC() + "x" + g.inH() + "x" + g.inW() + " -> " + g.outC() + "x" + g.outH() + "x" + g.outW()
                + " k" + g.kH() + "x" + g.kW() + " batch " + batch;
        return new BenchResult.ConvFigures(conv.name(), geometry, fwd, bwd, fwd / peak, bwd / peak);
    }

    private static float[] random(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextFloat() * 2 - 1;
        return a;
    }
}
