package org.striate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.nn.Zoo;
import org.striate.StriateException;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;
import org.striate.tensor.TooLargeException;

/** The benchmark's plumbing on a tiny model and very short timings (figures are not checked: speed is not tested). */
class ModelBenchTest {
    private static final String TINY = """
            input 1x8x8
            conv 4 3x3 pad=1
            relu
            maxpool 2
            conv 6 3x3 stride=2
            flatten
            dense 3
            """;

    @Test
    void aModelWhoseBatchesCannotFitIsRefusedBeforeAllocating() {
        // few parameters, but 64 training samples of 64x2000x2000 activations: hundreds of GiB
        Graph model = LayerSpecs.parse("input 1x2000x2000\nconv 64 3x3 pad=1\ngap\nflatten\n", "wide", null).build(1);
        TooLargeException e = assertThrows(TooLargeException.class, () -> ModelBench.run("wide", model, new BenchOptions(0.02, 64, 256, 3, 5)));
        assertTrue(e.getMessage().startsWith("Benchmarking the model's training with batches of 64") && e.getMessage().contains("GiB"), e.getMessage());
    }

    @Test
    void reportsEveryFigureAndEveryConvLayer() {
        Graph model = LayerSpecs.parse(TINY, "tiny", null).build(1);
        BenchOptions quick = new BenchOptions(0.02, 8, 16, 3, 5);
        BenchResult r = ModelBench.run("tiny", model, quick);
        assertTrue(r.trainImagesPerS() > 0 && r.inferImagesPerS() > 0 && r.latencyBatch1Us() > 0 && r.peakGflops() > 0, r.toText());
        assertEquals(2, r.layers().size());
        assertEquals("conv2d_1", r.layers().get(0).name());
        assertTrue(r.toText().contains("(batch 8, SGD") && r.toText().contains("(batch 16)"), "the batches used are named: " + r.toText());
        assertEquals(model.layers().size(), r.steps().size());
        // where an inference call's time goes, pass by pass, fused layers named together
        assertEquals(model.forwardPasses(), r.inferPasses().stream().map(BenchResult.PassShare::name).toList());
        assertEquals(model.forwardPasses(), r.latencyPasses().stream().map(BenchResult.PassShare::name).toList());
        assertTrue(r.inferPasses().stream().mapToDouble(BenchResult.PassShare::ms).sum() > 0, r.toText());
        String json = r.toJson();
        for (String key : new String[] {"\"train_images_per_s\":", "\"infer_images_per_s\":", "\"latency_batch1_us\":",
                "\"peak_gflops\":", "\"layers\":[{\"name\":\"conv2d_1\"", "\"forward_gflops\":", "\"backward_gflops\":",
                "\"infer_pass_ms\":[{\"pass\":", "\"latency_pass_ms\":[{\"pass\":", "\"allocated_bytes_per_call\":{\"train\":"}) {
            assertTrue(json.contains(key), key + " missing in " + json);
        }
    }

    @Test
    void layersDoingTheSameWorkAreTimedOnceAndNamedTogether() {
        // the second and third convolutions share spec and input shape; the first reads 2 channels
        Graph model = LayerSpecs.parse("input 2x6x6\nconv 4 3x3 pad=1\nconv 4 3x3 pad=1\nconv 4 3x3 pad=1\ngap\ndense 3\n", "alike", null).build(1);
        BenchResult r = ModelBench.run("alike", model, new BenchOptions(0.02, 4, 4, 3, 5));
        assertEquals(2, r.layers().size(), r.toText());
        assertEquals(java.util.List.of(), r.layers().get(0).alike());
        assertEquals(java.util.List.of("conv2d_3"), r.layers().get(1).alike());
        assertTrue(r.toJson().contains("\"alike\":[\"conv2d_3\"]") && r.toText().contains("same for conv2d_3"), r.toJson());
    }

    /** peers.py's protocol: 64/256 for the 28×28 models, 16/16 for resnet18 at 224×224 (1.8·10^9 multiply-adds a sample). */
    @Test
    void defaultBatchesFollowTheModelsMultiplyAdds() {
        for (String name : Zoo.names()) {
            Graph m = Zoo.build(name, Zoo.defaultInput(name), Zoo.defaultClasses(name), 1);
            BenchOptions o = BenchOptions.defaults(m);
            boolean large = name.equals("resnet18");
            assertEquals(large ? 16 : 64, o.trainBatch(), name);
            assertEquals(large ? 16 : 256, o.inferBatch(), name);
            long macs = BenchOptions.macsPerSample(m);
            assertEquals(large, macs >= BenchOptions.LARGE_MACS, name);
            if (large) assertTrue(macs > 1_800_000_000L, "resnet18 at 224x224: " + macs);
        }
    }

    @Test
    void aTimedWindowHoldsSeveralCalls() {
        assertEquals(0.6, Timing.window(0.6, 100), 1e-12);
        assertEquals(Timing.MIN_CALLS / 0.5, Timing.window(0.6, 0.5), 1e-12, "a step of 2 s: windows of 3 steps");
    }

    @Test
    void theTimedTrainingStepChangesTheWeightsAndKeepsThemFinite() {
        Graph model = LayerSpecs.parse(TINY, "tiny", null).build(2);
        Runnable step = ModelBench.trainingStep(model, 8, new java.util.Random(4));
        Tensor x = ModelBench.randomBatch(new java.util.Random(9), 8, model.inputShape());
        float[] before = model.forward(x, false).data.clone();
        for (int i = 0; i < 60; i++) step.run();
        float[] after = model.forward(x, false).data;
        assertTrue(!java.util.Arrays.equals(before, after), "the step must change the weights");
        for (float p : model.params()) assertTrue(Float.isFinite(p));
    }

    @Test
    void profileCoversEveryNodeOfAGraphAndStopsTiming() {
        Graph model = Zoo.build("resnet8", new int[] {1, 12, 12}, 3, 1);
        java.util.List<BenchResult.StepShare> shares = ModelBench.profile(model, ModelBench.trainingStep(model, 4, new java.util.Random(1)), 2);
        assertEquals(model.layers().size(), shares.size());
        double total = 0;
        for (BenchResult.StepShare s : shares) total += s.forwardMs() + s.backwardMs();
        assertTrue(total > 0);
    }

    @Test
    void mapOutputsAreTimedWithDenseTargets() {
        Graph model = Zoo.build("unet-small", new int[] {1, 16, 16}, 3, 1);
        Runnable step = ModelBench.trainingStep(model, 2, new java.util.Random(1));
        float[] before = model.params().clone();
        step.run();
        assertTrue(!java.util.Arrays.equals(before, model.params()));
    }

    @Test
    void spreadSaysWhenTheMachineWasBusy() {
        BenchResult.Spread quiet = new BenchResult.Spread(100, 98, 100, 103);
        BenchResult.Spread noisy = new BenchResult.Spread(60, 20, 60, 100);
        BenchResult calm = result(quiet, quiet, 60, 70);
        BenchResult busy = result(quiet, noisy, 60, 70);
        assertTrue(!calm.busy() && busy.busy());
        assertTrue(busy.toText().contains("warning:") && !calm.toText().contains("warning:"));
        assertTrue(busy.toJson().contains("\"infer_images_per_s\":[20.0,60.0,100.0]"), busy.toJson());
    }

    @Test
    void saysWhenTheCoresSharedNoCache() {
        BenchResult.Spread quiet = new BenchResult.Spread(100, 98, 100, 103);
        BenchResult near = result(quiet, quiet, 60, 70), far = result(quiet, quiet, 60, 340), one = result(quiet, quiet, Double.NaN, Double.NaN);
        assertTrue(!near.coresFarApart() && far.coresFarApart() && !one.coresFarApart());
        assertTrue(far.toText().contains("note: the threads' cores shared no cache") && !near.toText().contains("note:"));
        assertTrue(near.toText().contains("core_round_trip_ns 60 / 70 ns") && !one.toText().contains("core_round_trip_ns"));
        assertTrue(far.toJson().contains("\"core_round_trip_ns\":[60.0,340.0]"), far.toJson());
        assertTrue(one.toJson().contains("\"core_round_trip_ns\":[null,null]"), one.toJson());
    }

    private static BenchResult result(BenchResult.Spread train, BenchResult.Spread infer, double roundTripBefore, double roundTripAfter) {
        return result(train, infer, roundTripBefore, roundTripAfter, new BenchResult.Allocated(0, 0, 0));
    }

    private static BenchResult result(BenchResult.Spread train, BenchResult.Spread infer, double roundTripBefore, double roundTripAfter,
                                      BenchResult.Allocated allocated) {
        return new BenchResult("m", "k", 2, 64, 256, train, infer, train, 1, new double[] {roundTripBefore, roundTripAfter},
                allocated, java.util.List.of(), java.util.List.of(), java.util.List.of(), java.util.List.of());
    }

    @Test
    void saysWhenWarmedUpCallsStillAllocated() {
        BenchResult.Spread quiet = new BenchResult.Spread(100, 98, 100, 103);
        BenchResult clean = result(quiet, quiet, 60, 70, new BenchResult.Allocated(0, 16, -1));
        BenchResult boxed = result(quiet, quiet, 60, 70, new BenchResult.Allocated(0, 3_000_000, 0));
        assertTrue(clean.allocated().degraded().isEmpty() && !clean.toText().contains("warning:"), clean.toText());
        assertEquals(java.util.List.of("inference (3000000 bytes a call)"), boxed.allocated().degraded());
        assertTrue(boxed.toText().contains("warning: after the warm-up, inference (3000000 bytes a call) still allocated"), boxed.toText());
        assertTrue(boxed.toJson().contains("\"allocated_bytes_per_call\":{\"train\":0,\"infer\":3000000,\"latency\":0}"), boxed.toJson());
    }

    @Test
    void theMeterCountsWhatACallAllocates() {
        long none = AllocationMeter.perCall(() -> { }, 10);
        long[] keep = new long[1];
        long some = AllocationMeter.perCall(() -> keep[0] += new byte[1 << 20].length, 4);
        org.junit.jupiter.api.Assumptions.assumeTrue(none >= 0, "this JVM cannot count allocated bytes");
        assertTrue(none < 1024, none + " bytes a call for a call that allocates nothing");
        assertTrue(some >= 1 << 20 && some < 2 << 20, some + " bytes a call for a call that allocates 1 MiB");
    }

    @Test
    void unknownModelAndBadOptionsAreTyped() {
        StriateException e = assertThrows(StriateException.class, () -> Zoo.build("resnet", 1));
        assertTrue(e.getMessage().contains("Unknown model 'resnet'"));
        assertThrows(StriateException.class, () -> new BenchOptions(0, 64, 256, 1, 100));
    }
}
