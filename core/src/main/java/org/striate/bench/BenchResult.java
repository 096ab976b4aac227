package org.striate.bench;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.striate.io.Json;

/**
 * What {@code striate bench} reports for one model, with the JSON keys of {@link #toJson()}:
 * train_images_per_s (at train_batch, by default 64, 16 for large models: see {@link BenchOptions#defaults(org.striate.nn.Graph)};
 * the training step of {@code striate train}), infer_images_per_s (at infer_batch, 256 or 16), latency_batch1_us, each with the slowest, median and fastest of its windows;
 * peak_gflops (FMA loop, all threads), core_round_trip_ns (before and after the latency windows, {@link CorePlacement};
 * null on one thread), allocated_bytes_per_call (train, infer, latency: what a call allocates after the warm-up, 0 unless
 * the JIT left vector operations in their Java fallbacks, {@link AllocationMeter}; −1 where the JVM cannot count), and per convolution-like layer its forward and backward
 * GFLOP/s (once per kind of work: layers alike are named under the first). {@code steps} says where a training step's time goes,
 * {@code inferPasses} and {@code latencyPasses} where an inference call's and a batch-1 call's go, pass by pass (fused layers together).
 */
public record BenchResult(String model, String kernels, int threads, int trainBatch, int inferBatch,
                          Spread train, Spread infer, Spread latency, double peakGflops, double[] coreRoundTripNs,
                          Allocated allocated, List<ConvFigures> layers, List<StepShare> steps, List<PassShare> inferPasses,
                          List<PassShare> latencyPasses) {

    /** Relative spread of a figure's windows above which the machine is called busy (a quiet 2-core machine shows up to about 16% on batch-1 latency). */
    public static final double BUSY_SPREAD = 0.25;

    /**
     * Bytes a call allocates after its figure's warm-up, per call of each figure ({@link AllocationMeter});
     * −1 where the JVM cannot count them.
     */
    public record Allocated(long train, long infer, long latency) {
        /**
         * Bytes a call may allocate before the run is called degraded: a call whose vector operations
         * run in the Java fallbacks allocates megabytes (an array per operation); a warmed-up call allocates nothing.
         */
        public static final long FALLBACK_BYTES = 64 * 1024;

        /** The figures whose calls allocated more than {@link #FALLBACK_BYTES}, by name; empty when none did. */
        public List<String> degraded() {
            List<String> out = new ArrayList<>();
            if (train > FALLBACK_BYTES) out.add("training (" + train + " bytes a step)");
            if (infer > FALLBACK_BYTES) out.add("inference (" + infer + " bytes a call)");
            if (latency > FALLBACK_BYTES) out.add("batch-1 latency (" + latency + " bytes a call)");
            return out;
        }
    }

    /** A figure: its mean over the measuring time, and its slowest, median and fastest window. */
    public record Spread(double mean, double min, double median, double max) {
        /** (max − min) / median: 0 on a quiet machine, tens of percent when other work takes the cores. */
        public double relative() { return median > 0 ? (max - min) / median : 0; }

        Spread times(double k) { return new Spread(mean * k, min * k, median * k, max * k); }

        /** The figure of the reciprocal (e.g. microseconds per call from calls per second): min and max swap. */
        Spread inverse(double k) { return new Spread(k / mean, k / max, k / median, k / min); }
    }

    /**
     * One layer timed alone at the training batch. Shares are of the FMA-loop windows taken
     * alongside each pass, which on a drifting machine may be below {@link #peakGflops()}, the best
     * window of the whole run. {@code alike}: the later layers doing the same work (same spec and
     * input shape), which these figures stand for and which are not timed again.
     */
    public record ConvFigures(String name, String geometry, double forwardGflops, double backwardGflops,
                              double forwardShareOfPeak, double backwardShareOfPeak, List<String> alike) {}

    /** Milliseconds per training batch spent in one layer's forward and backward. */
    public record StepShare(String name, double forwardMs, double backwardMs) {}

    /** Milliseconds per inference call spent in one forward pass: a layer, or layers fused into one pass ("conv2d_1+relu_1+maxpool2d_1"). */
    public record PassShare(String name, double ms) {}

    public double trainImagesPerS() { return train.mean(); }
    public double inferImagesPerS() { return infer.mean(); }
    public double latencyBatch1Us() { return latency.mean(); }

    /** Whether any figure's windows spread more than {@link #BUSY_SPREAD}: other work took the cores. */
    public boolean busy() { return Math.max(train.relative(), Math.max(infer.relative(), latency.relative())) > BUSY_SPREAD; }

    /** Whether the calling thread's core and the first worker's shared no cache when latency was timed ({@link CorePlacement}). */
    public boolean coresFarApart() {
        for (double ns : coreRoundTripNs) if (ns > CorePlacement.FAR_NS) return true;
        return false;
    }

    public String toJson() {
        Map<String, Object> o = Json.object();
        o.put("model", model);
        o.put("kernels", kernels);
        o.put("threads", threads);
        o.put("train_batch", trainBatch);
        o.put("infer_batch", inferBatch);
        o.put("train_images_per_s", train.mean());
        o.put("infer_images_per_s", infer.mean());
        o.put("latency_batch1_us", latency.mean());
        Map<String, Object> spread = Json.object(); // each figure's slowest, median and fastest window
        spread.put("train_images_per_s", minMedianMax(train));
        spread.put("infer_images_per_s", minMedianMax(infer));
        spread.put("latency_batch1_us", minMedianMax(latency));
        o.put("spread", spread);
        o.put("busy", busy());
        o.put("peak_gflops", peakGflops);
        o.put("core_round_trip_ns", coreRoundTripNs);
        Map<String, Object> bytes = Json.object();
        bytes.put("train", allocated.train());
        bytes.put("infer", allocated.infer());
        bytes.put("latency", allocated.latency());
        o.put("allocated_bytes_per_call", bytes);
        List<Object> convs = new ArrayList<>();
        for (ConvFigures l : layers) {
            Map<String, Object> c = Json.object();
            c.put("name", l.name());
            c.put("geometry", l.geometry());
            c.put("forward_gflops", l.forwardGflops());
            c.put("backward_gflops", l.backwardGflops());
            c.put("forward_share_of_peak", l.forwardShareOfPeak());
            c.put("backward_share_of_peak", l.backwardShareOfPeak());
            c.put("alike", l.alike());
            convs.add(c);
        }
        o.put("layers", convs);
        List<Object> shares = new ArrayList<>();
        for (StepShare s : steps) {
            Map<String, Object> m = Json.object();
            m.put("name", s.name());
            m.put("forward_ms", s.forwardMs());
            m.put("backward_ms", s.backwardMs());
            shares.add(m);
        }
        o.put("step_ms", shares);
        o.put("infer_pass_ms", passes(inferPasses));
        o.put("latency_pass_ms", passes(latencyPasses));
        return Json.write(o);
    }

    private static List<Object> passes(List<PassShare> list) {
        List<Object> out = new ArrayList<>();
        for (PassShare p : list) {
            Map<String, Object> m = Json.object();
            m.put("pass", p.name());
            m.put("ms", p.ms());
            out.add(m);
        }
        return out;
    }

    private static double[] minMedianMax(Spread s) { return new double[] {s.min(), s.median(), s.max()}; }

    /** Human-readable lines, one figure per line. */
    public String toText() {
        StringBuilder b = new StringBuilder();
        b.append(String.format(Locale.ROOT, "model %s, kernels %s%n", model, kernels));
        b.append(line("train_images_per_s", train, "img/s (batch " + trainBatch + ", SGD momentum 0.9)", "%.0f"));
        b.append(line("infer_images_per_s", infer, "img/s (batch " + inferBatch + ")", "%.0f"));
        b.append(line("latency_batch1_us", latency, "us", "%.0f"));
        b.append(String.format(Locale.ROOT, "peak_gflops %.1f GFLOP/s%n", peakGflops));
        if (!Double.isNaN(coreRoundTripNs[0]) || !Double.isNaN(coreRoundTripNs[1])) {
            b.append(String.format(Locale.ROOT, "core_round_trip_ns %.0f / %.0f ns (calling thread to first worker and back, before / after the latency windows)%n",
                    coreRoundTripNs[0], coreRoundTripNs[1]));
        }
        if (coresFarApart()) {
            b.append(String.format(Locale.ROOT, "note: the threads' cores shared no cache (a round trip above %.0f ns): data handed from one to the other costs more, batch-1 latency most; the host can move them, so figures may differ from run to run%n",
                    CorePlacement.FAR_NS));
        }
        if (busy()) {
            b.append(String.format(Locale.ROOT, "warning: the windows of a figure differ by more than %.0f%%: other work was using the cores; measure again on a quiet machine%n",
                    100 * BUSY_SPREAD));
        }
        List<String> degraded = allocated.degraded();
        if (!degraded.isEmpty()) {
            b.append("warning: after the warm-up, ").append(String.join(", ", degraded))
                    .append(" still allocated: the JIT left some vector operations in their slow Java fallbacks in this run,")
                    .append(" so those figures are low; run again (a fresh JVM compiles afresh)").append(System.lineSeparator());
        }
        for (ConvFigures l : layers) {
            b.append(String.format(Locale.ROOT, "%s %s forward %.1f GFLOP/s (%.0f%% of the peak alongside), backward %.1f GFLOP/s (%.0f%%)%s%n",
                    l.name(), l.geometry(), l.forwardGflops(), 100 * l.forwardShareOfPeak(),
                    l.backwardGflops(), 100 * l.backwardShareOfPeak(), l.alike().isEmpty() ? "" : "; same for " + String.join(", ", l.alike())));
        }
        for (StepShare s : steps) {
            b.append(String.format(Locale.ROOT, "step %-12s forward %7.3f ms  backward %7.3f ms%n", s.name(), s.forwardMs(), s.backwardMs()));
        }
        for (PassShare p : inferPasses) b.append(String.format(Locale.ROOT, "infer %-34s %8.3f ms%n", p.name(), p.ms()));
        for (PassShare p : latencyPasses) b.append(String.format(Locale.ROOT, "batch-1 %-32s %8.3f ms%n", p.name(), p.ms()));
        return b.toString();
    }

    private static String line(String key, Spread s, String unit, String number) {
        String f = String.format(Locale.ROOT, number, s.mean()) + " " + unit + "  (windows min/median/max "
                + String.format(Locale.ROOT, number + "/" + number + "/" + number, s.min(), s.median(), s.max()) + ")";
        return key + " " + f + System.lineSeparator();
    }
}
