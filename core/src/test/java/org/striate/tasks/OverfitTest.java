package org.striate.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.data.Box;
import org.striate.data.Dataset;
import org.striate.data.FashionScenes;
import org.striate.data.Normalization;
import org.striate.data.SyntheticGarments;
import org.striate.nn.Graph;
import org.striate.nn.LayerSpecs;
import org.striate.train.Adam;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/** Tiny models learn a handful of scenes by heart: the losses, targets and decoding fit together. */
class OverfitTest {
    private static final FashionScenes.Scenes SCENES = FashionScenes.generate(SyntheticGarments.make(12, 3, 1), 6, 1);

    private static Graph tiny(String layers, long seed) {
        Graph g = LayerSpecs.parse(layers, "tiny", new int[] {1, 64, 64}).build(seed);
        Normalization.ChannelStats s = Normalization.perChannel(SCENES.segmentation());
        return g.normalization(s.mean(), s.std());
    }

    @Test
    void aTinySegmentationModelLearnsSixScenes() {
        Graph g = tiny("conv 8 3x3 pad=1\nrelu\nconv 4 1x1\n", 3);
        Segmentation before = Segmentation.evaluate(g, SCENES.segmentation(), 6);
        new Trainer(g, TrainOptions.builder().epochs(120).batchSize(6).optimizer(new Adam(0.03)).loss(Task.SEGMENT.loss()).build())
                .fit(SCENES.segmentation());
        Segmentation after = Segmentation.evaluate(g, SCENES.segmentation(), 6);
        assertTrue(after.pixelAccuracy() > 0.95, "pixel accuracy " + after.pixelAccuracy() + " (before " + before.pixelAccuracy() + ")");
        assertTrue(after.meanIou() > 0.8, "mean IoU " + after.meanIou() + " (before " + before.meanIou() + ")");
    }

    @Test
    void aTinyGridDetectorLearnsSixScenes() {
        Graph g = tiny("maxpool 2\nconv 8 3x3 pad=1\nrelu\nmaxpool 2\nconv 16 3x3 pad=1\nrelu\nmaxpool 2\n"
                + "conv 16 3x3 pad=1\nrelu\nconv 8 1x1\n", 5);
        Dataset data = Detection.dataset(SCENES, g.outputShape());
        new Trainer(g, TrainOptions.builder().epochs(200).batchSize(6).optimizer(new Adam(0.01)).loss(Task.DETECT.loss()).build()).fit(data);
        Detection.Result r = Detection.evaluate(g, SCENES);
        assertTrue(r.map50() > 0.8, "mAP@0.5 " + r.map50());
        assertTrue(r.map5095() <= r.map50());
    }

    @Test
    void encodingThenDecodingATargetGridGivesTheBoxesBack() {
        int classes = 3;
        float[] grid = new float[(GridDetector.BOX_CHANNELS + classes) * 64];
        for (int i = 0; i < SCENES.size(); i++) {
            List<Box> truth = SCENES.boxes().get(i);
            GridDetector.encode(truth, classes, 64, 64, 8, 8, grid, 0);
            // targets are probabilities and sigmoid outputs: turn them into logits the decoder reads
            for (int cell = 0; cell < 64; cell++) {
                boolean object = grid[cell] == 1f;
                grid[cell] = object ? 20f : -20f;
                for (int c = 1; c <= 2; c++) grid[c * 64 + cell] = (float) Math.log(grid[c * 64 + cell] / (1 - grid[c * 64 + cell]));
                for (int c = 0; c < classes; c++) grid[(5 + c) * 64 + cell] *= 20f;
            }
            List<Box> back = GridDetector.decode(grid, 0, classes, 64, 64, 8, 8, 0.5f);
            assertEquals(truth.size(), back.size(), "scene " + i);
            for (Box b : truth) assertTrue(back.stream().anyMatch(d -> d.cls() == b.cls() && d.iou(b) > 0.99), b + " not in " + back);
        }
        assertEquals(List.of(), GridDetector.decode(new float[8 * 64], 0, 3, 64, 64, 8, 8, 0.6f));
    }
}
