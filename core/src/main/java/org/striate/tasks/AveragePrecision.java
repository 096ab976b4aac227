package org.striate.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.striate.StriateException;
import org.striate.data.Box;

/**
 * Mean average precision computed the COCO way (pycocotools' COCOeval, one area range, no limit on
 * detections below 100 per image). Per class and IoU threshold: detections over all images sorted by
 * descending score (stable: ties keep their order); each is matched to the not yet matched ground
 * truth box of its class in its image with the largest IoU, at least the threshold (a true positive),
 * else it is a false positive. Precision and recall after each detection give a precision envelope
 * (precision made non-increasing in recall, from the right) that is read at the 101 recall levels
 * 0, 0.01, …, 1 (the first point whose recall reaches the level; 0 beyond the last recall); AP is
 * their mean. mAP is the mean over the classes that have ground truth; mAP@[.5:.95] averages the ten
 * thresholds 0.5, 0.55, …, 0.95.
 */
public final class AveragePrecision {
    private AveragePrecision() {}

    /** AP of one class at one IoU threshold; NaN when the class has no ground truth. */
    public static double classAp(List<List<Box>> detections, List<List<Box>> truths, int cls, double iouThreshold) {
        record Scored(int image, Box box) {}
        if (detections.size() != truths.size()) {
            throw new StriateException("Detections are given for " + detections.size() + " images but ground truth for " + truths.size() + ". Expected one list per image in both.");
        }
        List<Scored> dets = new ArrayList<>();
        int positives = 0;
        for (int i = 0; i < truths.size(); i++) {
            for (Box b : truths.get(i)) if (b.cls() == cls) positives++;
            for (Box b : detections.get(i)) if (b.cls() == cls) dets.add(new Scored(i, b));
        }
        if (positives == 0) return Double.NaN;
        dets.sort(Comparator.comparingDouble((Scored s) -> s.box().score()).reversed());
        boolean[][] matched = new boolean[truths.size()][];
        for (int i = 0; i < truths.size(); i++) matched[i] = new boolean[truths.get(i).size()];
        double[] precision = new double[dets.size()], recall = new double[dets.size()];
        int tp = 0;
        for (int d = 0; d < dets.size(); d++) {
            Scored s = dets.get(d);
            List<Box> gt = truths.get(s.image());
            int best = -1;
            double bestIou = Math.min(iouThreshold, 1 - 1e-10);
            for (int g = 0; g < gt.size(); g++) {
                if (gt.get(g).cls() != cls || matched[s.image()][g]) continue;
                double iou = s.box().iou(gt.get(g));
                if (iou >= bestIou) { bestIou = iou; best = g; }
            }
            if (best >= 0) { matched[s.image()][best] = true; tp++; }
            precision[d] = (double) tp / (d + 1);
            recall[d] = (double) tp / positives;
        }
        for (int d = dets.size() - 2; d >= 0; d--) precision[d] = Math.max(precision[d], precision[d + 1]);
        double sum = 0;
        int at = 0;
        for (int level = 0; level <= 100; level++) {
            double r = level / 100.0;
            while (at < recall.length && recall[at] < r) at++;
            sum += at < recall.length ? precision[at] : 0;
        }
        return sum / 101;
    }

    /** Mean AP over the classes 0..classes−1 that have ground truth, at one IoU threshold. */
    public static double map(List<List<Box>> detections, List<List<Box>> truths, int classes, double iouThreshold) {
        double sum = 0;
        int n = 0;
        for (int c = 0; c < classes; c++) {
            double ap = classAp(detections, truths, c, iouThreshold);
            if (!Double.isNaN(ap)) { sum += ap; n++; }
        }
        return n == 0 ? Double.NaN : sum / n;
    }

    /** COCO's headline figure: the mean of {@link #map} at IoU 0.5, 0.55, …, 0.95. */
    public static double mapCoco(List<List<Box>> detections, List<List<Box>> truths, int classes) {
        double sum = 0;
        for (int t = 0; t < 10; t++) sum += map(detections, truths, classes, 0.5 + 0.05 * t);
        return sum / 10;
    }
}
