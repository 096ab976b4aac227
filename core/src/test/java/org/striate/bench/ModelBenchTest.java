package org.striate.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.train.DataParallel;
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
        assertEquals(model.layers().size(), r.steps().size());
        String json = r.toJson();
        for (String key : new String[] {"\"train_images_per_s\":", "\"infer_images_per_s\":", "\"latency_batch1_us\":",
                "\"peak_gflops\":", "\"layers\":[{\"name\":\"conv2d_1\"", "\"forward_gflops\":", "\"backward_gflops\":"}) {
            assertTrue(json.contains(key), key + " missing in " + json);
        }
    }

    @Test
    void trainingStepLowersTheLossOnItsBatch() {
        Graph model = LayerSpecs.parse(TINY, "tiny", null).build(2);
        Tensor x = ModelBench.randomBatch(new java.util.Random(4), 8, model.inputShape());
        int[] labels = {0, 1, 2, 0, 1, 2, 0, 1};
        Tensor d = new Tensor(8, 3);
        double before = loss(model.forward(x, false), labels);
        DataParallel parallel = new DataParallel(model);
        for (int i = 0; i < 30; i++) ModelBench.trainStep(model, parallel, x, labels, d);
        double after = loss(model.forward(x, false), labels);
        assertTrue(after < before, "loss " + before + " -> " + after);
    }

    @Test
    void softmaxGradientRowsSumToZero() {
        Tensor logits = Tensor.of(new float[] {1, 2, 3, -1, 0, 5}, 2, 3);
        Tensor d = new Tensor(2, 3);
        ModelBench.softmaxCrossEntropyGradient(logits, new int[] {2, 0}, d);
        for (int i = 0; i < 2; i++) assertEquals(0, d.data[i * 3] + d.data[i * 3 + 1] + d.data[i * 3 + 2], 1e-6);
        assertTrue(d.data[2] < 0 && d.data[3] < 0 && d.data[0] > 0);
    }

    @Test
    void unknownModelAndBadOptionsAreTyped() {
        StriateException e = assertThrows(StriateException.class, () -> Zoo.build("resnet", 1));
        assertTrue(e.getMessage().contains("Unknown model 'resnet'"));
        assertThrows(StriateException.class, () -> new BenchOptions(0, 64, 256, 1, 100));
    }

    private static double loss(Tensor logits, int[] labels) {
        double sum = 0;
        int c = logits.sampleSize();
        for (int i = 0; i < labels.length; i++) {
            double max = Double.NEGATIVE_INFINITY, z = 0;
            for (int j = 0; j < c; j++) max = Math.max(max, logits.data[i * c + j]);
            for (int j = 0; j < c; j++) z += Math.exp(logits.data[i * c + j] - max);
            sum += Math.log(z) + max - logits.data[i * c + labels[i]];
        }
        return sum / labels.length;
    }
}
