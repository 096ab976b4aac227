package org.striate.bench;

import java.util.List;
import java.util.Random;
import org.striate.kernels.ConvGeometry;
import org.striate.kernels.Kernels;
import org.striate.kernels.PeakFlops;
import org.striate.nn.Layer;
import org.striate.nn.Window;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * One convolution-like layer timed alone: 2·MACs FLOPs forward, twice that backward (dW and dx); the
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
        BenchResult.ConvFigures figures(List<String> alike) {
            return new BenchResult.ConvFigures(name, geometry, forwardGflops, backwardGflops,
                    forwardGflops / forwardPeak, backwardGflops / backwardPeak, alike);
        }

        double peakSeen() { return Math.max(forwardPeak, backwardPeak); }
    }

    /**
     * Whether {@code layer} is timed on its own: a layer that slides or spreads a window over H and W
     * and does multiply-adds (convolution, transposed convolution, locally connected, blur pooling).
     */
    static boolean convolutionLike(Layer layer) { return layer.window().isSpatial() && layer.macs() > 0; }

    /**
     * What fixes a layer's work: its spec (without the name) and input shape. Layers that share it are
     * timed once (resnet18 has 20 convolutions of 11 kinds; timing each would add minutes).
     */
    static String sameWork(Layer layer) { return layer.spec() + " on " + Shapes.compact(layer.inputShape()); }

    /** The layer's own forward and backward on a random batch, reading the model's weights. */
    static Measured measure(Layer layer, int batch, double seconds, PeakFlops.Meter meter, Random rng) {
        int[] in = layer.inputShape(), out = layer.outputShape();
        Tensor x = Tensor.of(random(rng, batch * Shapes.size(in)), Shapes.withBatch(batch, in));
        Tensor dy = Tensor.of(random(rng, batch * Shapes.size(out)), Shapes.withBatch(batch, out));
        double flops = 2.0 * layer.macs() * batch;
        double[] forwardPeak = {0}, backwardPeak = {0};
        double fwd = flops * interleaved(() -> layer.forward(x, true), seconds, meter, forwardPeak) / 1e9;
        double bwd = 2 * flops * interleaved(() -> layer.backward(dy), seconds, meter, backwardPeak) / 1e9;
        Window w = layer.window();
        String geometry = Shapes.compact(in) + " -> " + Shapes.compact(out) + " k" + w.kH() + "x" + w.kW() + " batch " + batch;
        return new Measured(layer.name(), geometry, fwd, bwd, forwardPeak[0], backwardPeak[0]);
    }

    /** Calls per second: the best of {@link Timing#BEST_OF} windows, each followed by a peak window. */
    private static double interleaved(Runnable body, double seconds, PeakFlops.Meter meter, double[] peakSeen) {
        double window = Timing.window(seconds / Timing.BEST_OF, Timing.warmUp(body, seconds)), best = 0;
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
