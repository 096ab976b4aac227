package org.striate.bench;

import java.util.Random;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.kernels.PeakFlops;
import org.striate.nn.Conv2d;

/**
 * One Conv2d layer's kernels timed alone: 2·MACs FLOPs forward, twice that backward (dW and dx); the
 * best of several windows, as the peak it is compared with. Each window of the layer is followed by
 * a window of the FMA loop of the same length, so that on a machine whose speed drifts (a shared
 * host) the peak is also measured while the layer is: the best of those windows joins the peak.
 */
final class ConvBench {
    private ConvBench() {}

    /** GFLOP/s of a layer, and the best peak window measured between its windows. */
    record Measured(String name, String geometry, double forwardGflops, double backwardGflops, double peakSeen) {
        BenchResult.ConvFigures against(double peak) {
            return new BenchResult.ConvFigures(name, geometry, forwardGflops, backwardGflops, forwardGflops / peak, backwardGflops / peak);
        }
    }

    static Measured measure(Conv2d conv, int batch, double seconds, PeakFlops.Meter meter, Random rng) {
        ConvGeometry g = conv.geometry();
        Kernels k = Kernels.get();
        float[] x = random(rng, batch * g.inSize()), w = random(rng, g.weightSize() + g.outC());
        float[] y = new float[batch * g.outSize()], dy = random(rng, y.length);
        float[] dx = new float[x.length], dw = new float[w.length];
        double flops = 2.0 * g.macs() * batch;
        double[] peakSeen = {0};
        double fwd = flops * interleaved(() -> k.conv2dForward(g, batch, x, w, 0, w, g.weightSize(), y), seconds, meter, peakSeen) / 1e9;
        double bwd = 2 * flops * interleaved(() -> {
            k.conv2dBackwardParams(g, batch, x, dy, dw, 0, dw, g.weightSize());
            k.conv2dBackwardInput(g, batch, dy, w, 0, dx);
        }, seconds, meter, peakSeen) / 1e9;
        String geometry = g.inC() + "x" + g.inH() + "x" + g.inW() + " -> " + g.outC() + "x" + g.outH() + "x" + g.outW()
                + " k" + g.kH() + "x" + g.kW() + " batch " + batch;
        return new Measured(conv.name(), geometry, fwd, bwd, peakSeen[0]);
    }

    /** Calls per second: the best of {@link Timing#BEST_OF} windows, each followed by a peak window. */
    private static double interleaved(Runnable body, double seconds, PeakFlops.Meter meter, double[] peakSeen) {
        Timing.warmUp(body, seconds);
        double window = seconds / Timing.BEST_OF, best = 0;
        for (int i = 0; i < Timing.BEST_OF; i++) {
            best = Math.max(best, Timing.rate(Timing.runFor(body, window)));
            peakSeen[0] = Math.max(peakSeen[0], meter.window(Math.max(1, (long) (window * 1000))));
        }
        return best;
    }

    private static float[] random(Random rng, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = rng.nextFloat() * 2 - 1;
        return a;
    }
}
