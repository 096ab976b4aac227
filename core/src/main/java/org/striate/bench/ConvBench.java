package org.striate.bench;

import java.util.Random;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.kernels.PeakFlops;
import org.striate.nn.Conv2d;

/**
 * One Conv2d layer's kernels timed alone: 2·MACs FLOPs forward, twice that backward (dW and dx); the
 * best of several windows. Each window of the layer is followed by a window of the FMA loop of the
 * same length, and a pass's share of the peak is its best window over the best FMA window taken
 * alongside it: on a machine whose speed drifts by tens of percent within seconds (a shared host),
 * a layer and a peak measured at different times would compare the machine's moods, not the code.
 */
final class ConvBench {
    private ConvBench() {}

    /** GFLOP/s of a layer's passes, and the best FMA-loop window measured alongside each. */
    record Measured(String name, String geometry, double forwardGflops, double backwardGflops,
                    double forwardPeak, double backwardPeak) {
        BenchResult.ConvFigures figures() {
            return new BenchResult.ConvFigures(name, geometry, forwardGflops, backwardGflops,
                    forwardGflops / forwardPeak, backwardGflops / backwardPeak);
        }

        double peakSeen() { return Math.max(forwardPeak, backwardPeak); }
    }

    static Measured measure(Conv2d conv, int batch, double seconds, PeakFlops.Meter meter, Random rng) {
        ConvGeometry g = conv.geometry();
        Kernels k = Kernels.get();
        float[] x = random(rng, batch * g.inSize()), w = random(rng, g.weightSize() + g.outC());
        float[] y = new float[batch * g.outSize()], dy = random(rng, y.length);
        float[] dx = new float[x.length], dw = new float[w.length];
        double flops = 2.0 * g.macs() * batch;
        double[] forwardPeak = {0}, backwardPeak = {0};
        double fwd = flops * interleaved(() -> k.conv2dForward(g, batch, x, w, 0, w, g.weightSize(), y), seconds, meter, forwardPeak) / 1e9;
        double bwd = 2 * flops * interleaved(() -> {
            k.conv2dBackwardParams(g, batch, x, dy, dw, 0, dw, g.weightSize());
            k.conv2dBackwardInput(g, batch, dy, w, 0, dx);
        }, seconds, meter, backwardPeak) / 1e9;
        String geometry = g.inC() + "x" + g.inH() + "x" + g.inW() + " -> " + g.outC() + "x" + g.outH() + "x" + g.outW()
                + " k" + g.kH() + "x" + g.kW() + " batch " + batch;
        return new Measured(conv.name(), geometry, fwd, bwd, forwardPeak[0], backwardPeak[0]);
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
