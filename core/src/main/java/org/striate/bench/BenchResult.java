package org.striate.bench;

import java.util.List;
import java.util.Locale;

/**
 * What {@code striate bench} reports for one model, with the JSON keys of {@link #toJson()}:
 * train_images_per_s (batch 64: forward, loss gradient, backward, SGD update), infer_images_per_s
 * (batch 256), latency_batch1_us, peak_gflops (FMA loop, all threads), and per Conv2d layer its
 * forward and backward GFLOP/s. {@code steps} says where a training step's time goes.
 */
public record BenchResult(String model, String kernels, int threads,
                          double trainImagesPerS, double inferImagesPerS, double latencyBatch1Us, double peakGflops,
                          List<ConvFigures> layers, List<StepShare> steps) {

    /**
     * One Conv2d layer timed alone at the training batch. Shares are of the FMA-loop windows taken
     * alongside each pass, which on a drifting machine may be below {@link #peakGflops()}, the best
     * window of the whole run.
     */
    public record ConvFigures(String name, String geometry, double forwardGflops, double backwardGflops,
                              double forwardShareOfPeak, double backwardShareOfPeak) {}

    /** Milliseconds per training batch spent in one layer's forward and backward. */
    public record StepShare(String name, double forwardMs, double backwardMs) {}

    public String toJson() {
        StringBuilder b = new StringBuilder("{");
        b.append("\"model\":").append(quote(model)).append(',');
        b.append("\"kernels\":").append(quote(kernels)).append(',');
        b.append("\"threads\":").append(threads).append(',');
        b.append("\"train_images_per_s\":").append(num(trainImagesPerS)).append(',');
        b.append("\"infer_images_per_s\":").append(num(inferImagesPerS)).append(',');
        b.append("\"latency_batch1_us\":").append(num(latencyBatch1Us)).append(',');
        b.append("\"peak_gflops\":").append(num(peakGflops)).append(',');
        b.append("\"layers\":[");
        for (int i = 0; i < layers.size(); i++) {
            ConvFigures l = layers.get(i);
            if (i > 0) b.append(',');
            b.append("{\"name\":").append(quote(l.name())).append(",\"geometry\":").append(quote(l.geometry()))
                    .append(",\"forward_gflops\":").append(num(l.forwardGflops()))
                    .append(",\"backward_gflops\":").append(num(l.backwardGflops()))
                    .append(",\"forward_share_of_peak\":").append(num(l.forwardShareOfPeak()))
                    .append(",\"backward_share_of_peak\":").append(num(l.backwardShareOfPeak())).append('}');
        }
        b.append("],\"step_ms\":[");
        for (int i = 0; i < steps.size(); i++) {
            StepShare s = steps.get(i);
            if (i > 0) b.append(',');
            b.append("{\"name\":").append(quote(s.name())).append(",\"forward_ms\":").append(num(s.forwardMs()))
                    .append(",\"backward_ms\":").append(num(s.backwardMs())).append('}');
        }
        return b.append("]}").toString();
    }

    /** Human-readable lines, one figure per line. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "model %s, kernels %s%n", model, kernels));
        b.append(String.format(Locale.ROOT, "train_images_per_s %.0f img/s (batch 64)%n", trainImagesPerS));
        b.append(String.format(Locale.ROOT, "infer_images_per_s %.0f img/s (batch 256)%n", inferImagesPerS));
        b.append(String.format(Locale.ROOT, "latency_batch1_us %.0f us%n", latencyBatch1Us));
        b.append(String.format(Locale.ROOT, "peak_gflops %.1f GFLOP/s%n", peakGflops));
        for (ConvFigures l : layers) {
            b.append(String.format(Locale.ROOT, "%s %s forward %.1f GFLOP/s (%.0f%% of the peak alongside), backward %.1f GFLOP/s (%.0f%%)%n",
                    l.name(), l.geometry(), l.forwardGflops(), 100 * l.forwardShareOfPeak(),
                    l.backwardGflops(), 100 * l.backwardShareOfPeak()));
        }
        for (StepShare s : steps) {
            b.append(String.format(Locale.ROOT, "step %-12s forward %7.3f ms  backward %7.3f ms%n", s.name(), s.forwardMs(), s.backwardMs()));
        }
        return b.toString();
    }

    private static String num(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "null";
        return String.format(Locale.ROOT, "%.4g", v);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
