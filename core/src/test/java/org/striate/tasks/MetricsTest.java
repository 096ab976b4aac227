package org.striate.tasks;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Box;

/** IoU, mean IoU, AP, PSNR and SSIM against values worked out by hand. */
class MetricsTest {

    @Test
    void boxIouIsSharedAreaOverCoveredArea() {
        Box a = Box.truth(0, 0, 0, 4, 4), b = Box.truth(0, 2, 2, 6, 6);
        assertEquals(4.0 / 28, a.iou(b), 1e-12);          // 2×2 shared of 16 + 16 − 4
        assertEquals(1.0, a.iou(a), 1e-12);
        assertEquals(0.0, a.iou(Box.truth(0, 4, 0, 8, 4)), 0); // touching edges share nothing
        assertThrows(StriateException.class, () -> Box.truth(0, 3, 0, 1, 1));
    }

    @Test
    void segmentationIouPerClassAndMean() {
        Segmentation m = new Segmentation(3);
        // truth 0 0 1 1 1 2, predicted 0 1 1 1 2 2
        m.add(new int[] {0, 1, 1, 1, 2, 2}, new float[] {0, 0, 1, 1, 1, 2}, 6);
        assertEquals(4.0 / 6, m.pixelAccuracy(), 1e-12);
        assertEquals(1.0 / 2, m.iou(0), 1e-12);   // TP 1, FN 1
        assertEquals(2.0 / 4, m.iou(1), 1e-12);   // TP 2, FP 1, FN 1
        assertEquals(1.0 / 2, m.iou(2), 1e-12);   // TP 1, FP 1
        assertEquals(0.5, m.meanIou(), 1e-12);
        Segmentation absent = new Segmentation(3);
        absent.add(new int[] {0, 1}, new float[] {0, 1}, 2);
        assertTrue(Double.isNaN(absent.iou(2)));
        assertEquals(1.0, absent.meanIou(), 1e-12);  // class 2 is nowhere: left out
        assertThrows(StriateException.class, () -> absent.add(new int[] {3}, new float[] {0}, 1));
    }

    /**
     * One class, two images. Image 1 holds truth A, image 2 truth B. Detections by score: 0.9 on A
     * (TP), 0.8 nowhere near anything (FP), 0.7 on B (TP), 0.6 on A again (FP: A is taken). Precision
     * after each: 1, 1/2, 2/3, 1/2; recall 1/2, 1/2, 1, 1. Envelope: 1 up to recall 0.5, 2/3 above. At
     * the 101 recall levels: 51 levels (0 … 0.50) read 1, 50 levels read 2/3: AP = (51 + 100/3) / 101.
     */
    @Test
    void averagePrecisionMatchesAWorkedExample() {
        Box a = Box.truth(0, 0, 0, 10, 10), b = Box.truth(0, 20, 20, 30, 30);
        List<List<Box>> truth = List.of(List.of(a), List.of(b));
        List<List<Box>> found = List.of(
                List.of(new Box(0, 0.9f, 1, 0, 10, 10), new Box(0, 0.8f, 40, 40, 50, 50), new Box(0, 0.6f, 0, 0, 10, 9)),
                List.of(new Box(0, 0.7f, 20, 21, 30, 30)));
        double expected = (51 + 100.0 / 3) / 101;
        assertEquals(expected, AveragePrecision.classAp(found, truth, 0, 0.5), 1e-12);
        assertEquals(expected, AveragePrecision.map(found, truth, 2, 0.5), 1e-12); // class 1 has no truth: left out
        // at IoU 0.95 the 0.9 box (IoU 0.9) misses A, the 0.6 box (IoU 0.9) too, and the 0.7 box (0.9) misses B: AP 0
        assertEquals(0.0, AveragePrecision.classAp(found, truth, 0, 0.95), 1e-12);
        // at every threshold up to 0.9 the answer is the worked one: 9 of 10 thresholds
        assertEquals(expected * 9 / 10, AveragePrecision.mapCoco(found, truth, 1), 1e-12);
    }

    @Test
    void perfectDetectionsScoreOneAndNmsKeepsTheBestOfEachCluster() {
        Box a = Box.truth(0, 0, 0, 10, 10), b = Box.truth(1, 5, 5, 15, 15);
        assertEquals(1.0, AveragePrecision.mapCoco(List.of(List.of(a, b)), List.of(List.of(a, b)), 2), 1e-12);
        List<Box> kept = GridDetector.nms(List.of(new Box(0, 0.5f, 0, 0, 10, 10), new Box(0, 0.9f, 1, 1, 11, 11),
                new Box(1, 0.4f, 1, 1, 11, 11), new Box(0, 0.3f, 30, 30, 40, 40)), 0.5);
        assertEquals(List.of(0.9f, 0.4f, 0.3f), kept.stream().map(Box::score).toList()); // another class is never suppressed
    }

    @Test
    void psnrOfAConstantError() {
        float[] a = new float[16], b = new float[16];
        java.util.Arrays.fill(b, 0.1f);
        assertEquals(20.0, ImageQuality.psnr(a, 0, b, 0, 16), 1e-5);  // MSE 0.01 → 10·log10(100)
        assertEquals(Double.POSITIVE_INFINITY, ImageQuality.psnr(a, 0, a, 0, 16));
    }

    @Test
    void ssimAgainstHandComputedValues() {
        float[] x = {0.2f, 0.4f, 0.6f, 0.8f}, y = {0.3f, 0.3f, 0.5f, 0.9f};
        // one 2×2 window of equal weights: μx 0.5, μy 0.5, σx² 0.05, σy² 0.06, σxy 0.05
        double c1 = 1e-4, c2 = 9e-4;
        double expected = (2 * 0.25 + c1) * (2 * 0.05 + c2) / ((0.25 + 0.25 + c1) * (0.05 + 0.06 + c2));
        assertEquals(expected, ImageQuality.ssim(x, 0, y, 0, 2, 2, ImageQuality.uniform(2), 2), 1e-6);
        assertEquals(1.0, ImageQuality.ssim(x, 0, x, 0, 2, 2), 1e-6);
        // constant images: the structure term is C2/C2, what is left is (2ab + C1) / (a² + b² + C1)
        float[] p = new float[28 * 28], q = new float[28 * 28];
        java.util.Arrays.fill(p, 0.2f);
        java.util.Arrays.fill(q, 0.6f);
        assertEquals((2 * 0.12 + c1) / (0.04 + 0.36 + c1), ImageQuality.ssim(p, 0, q, 0, 28, 28), 1e-5);
        float sum = 0;
        for (float v : ImageQuality.GAUSSIAN) sum += v;
        assertEquals(1f, sum, 1e-5);
        assertThrows(StriateException.class, () -> ImageQuality.ssim(x, 0, y, 0, 2, 2, ImageQuality.uniform(3), 3));
    }
}
