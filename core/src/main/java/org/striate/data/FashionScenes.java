package org.striate.data;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * fashion-scenes: a segmentation and detection set built from Fashion-MNIST. Each scene is a 64×64
 * grey canvas, black like Fashion-MNIST's background, holding 1 to 4 garments of the given set, each
 * resized to a square of 20 to 36 pixels (area averaging to shrink, bilinear to enlarge) and placed at
 * a random position. Garments are drawn in order, later ones on top (the z-order): a garment's pixel
 * brighter than {@link #THRESHOLD} replaces what lies below it and labels it with the garment's class
 * + 1; every other pixel keeps its label, 0 (background) where nothing was drawn. So there are 11
 * classes. Each garment also has a box: the smallest box around its pixels above the threshold,
 * occluded parts included, with the garment's class (0–9). A placement whose box overlaps an earlier
 * box with IoU above {@link #MAX_IOU}, or covers more than half of the smaller box, is drawn again (up
 * to {@link #TRIES} times, else the garment is left out), so no garment is hidden entirely.
 *
 * <p>Scene i depends only on the seed and i (a generator of its own), so the first k scenes of a
 * larger set are the k scenes of a smaller one.
 */
public final class FashionScenes {
    public static final int SIDE = 64, MIN_SIZE = 20, MAX_SIZE = 36, MAX_GARMENTS = 4;
    public static final float THRESHOLD = 0.1f;
    public static final double MAX_IOU = 0.3;
    public static final int TRIES = 20;

    private FashionScenes() {}

    /**
     * Scenes: images (N, 1, 64, 64) in [0, 1], masks (N, 1, 64, 64) of class indices 0..K (as floats),
     * boxes per scene (class 0..K−1 of the garments), and the K + 1 mask class names.
     */
    public record Scenes(Tensor images, Tensor masks, List<List<Box>> boxes, String[] classNames) {
        public int size() { return images.batch(); }

        /** The garments' class names (without background), the classes of the boxes. */
        public String[] garmentNames() { return java.util.Arrays.copyOfRange(classNames, 1, classNames.length); }

        /** The scenes as a segmentation data set: images and their masks. */
        public Dataset segmentation() { return Dataset.dense(images, masks, classNames); }
    }

    /** "background" followed by the garments' names. */
    public static String[] maskClassNames(String[] garmentNames) {
        String[] names = new String[garmentNames.length + 1];
        names[0] = "background";
        System.arraycopy(garmentNames, 0, names, 1, garmentNames.length);
        return names;
    }

    /** {@code count} scenes from the garments of {@code garments} (28×28 or any size, one channel), from {@code seed}. */
    public static Scenes generate(Dataset garments, int count, long seed) {
        if (count < 0) throw new StriateException("Invalid scene count " + count + ". Expected a count >= 0.");
        int[] shape = garments.sampleShape();
        if (shape.length != 3 || shape[0] != 1 || garments.size() == 0 || garments.labels() == null) {
            throw new StriateException("Scenes are built from labelled grey images (N, 1, H, W); received " + garments.size()
                    + " samples of shape " + org.striate.tensor.Shapes.str(shape) + ". Expected Fashion-MNIST or another labelled grey set.");
        }
        Tensor images = new Tensor(count, 1, SIDE, SIDE), masks = new Tensor(count, 1, SIDE, SIDE);
        List<List<Box>> boxes = new ArrayList<>(count);
        float[] garment = new float[MAX_SIZE * MAX_SIZE];
        for (int i = 0; i < count; i++) {
            SplittableRandom rng = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
            boxes.add(scene(garments, rng, images.data, masks.data, i * SIDE * SIDE, garment));
        }
        return new Scenes(images, masks, boxes, maskClassNames(garments.classNames()));
    }

    private static List<Box> scene(Dataset garments, SplittableRandom rng, float[] image, float[] mask, int off, float[] g) {
        int h = garments.sampleShape()[1], w = garments.sampleShape()[2], per = h * w;
        int wanted = 1 + rng.nextInt(MAX_GARMENTS);
        List<Box> placed = new ArrayList<>(wanted);
        for (int k = 0; k < wanted; k++) {
            int src = rng.nextInt(garments.size()), cls = garments.labels()[src];
            int size = MIN_SIZE + rng.nextInt(MAX_SIZE - MIN_SIZE + 1);
            (size < Math.max(h, w) ? Resize.AREA : Resize.BILINEAR).apply(garments.images().data, src * per, h, w, g, 0, size, size);
            int[] tight = tight(g, size);
            if (tight == null) continue; // an empty image has nothing to place
            for (int attempt = 0; attempt < TRIES; attempt++) {
                int x = rng.nextInt(SIDE - size + 1), y = rng.nextInt(SIDE - size + 1);
                Box box = Box.truth(cls, x + tight[0], y + tight[1], x + tight[2], y + tight[3]);
                if (!fits(box, placed)) continue;
                paint(g, size, x, y, cls + 1, image, mask, off);
                placed.add(box);
                break;
            }
        }
        return placed;
    }

    /** Whether {@code box} overlaps no earlier box by IoU above MAX_IOU nor covers half of the smaller one. */
    private static boolean fits(Box box, List<Box> placed) {
        for (Box b : placed) {
            double iou = box.iou(b);
            if (iou > MAX_IOU) return false;
            double inter = iou * (box.area() + b.area()) / (1 + iou);
            if (inter > 0.5 * Math.min(box.area(), b.area())) return false;
        }
        return true;
    }

    /** {x0, y0, x1, y1} of the pixels above the threshold in a size×size garment; null when there are none. */
    private static int[] tight(float[] g, int size) {
        int x0 = size, y0 = size, x1 = -1, y1 = -1;
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                if (g[y * size + x] > THRESHOLD) { x0 = Math.min(x0, x); y0 = Math.min(y0, y); x1 = Math.max(x1, x); y1 = Math.max(y1, y); }
            }
        }
        return x1 < 0 ? null : new int[] {x0, y0, x1 + 1, y1 + 1};
    }

    private static void paint(float[] g, int size, int x0, int y0, int label, float[] image, float[] mask, int off) {
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                float v = g[y * size + x];
                if (v <= THRESHOLD) continue;
                int at = off + (y0 + y) * SIDE + x0 + x;
                image[at] = Math.min(1f, v);
                mask[at] = label;
            }
        }
    }
}
