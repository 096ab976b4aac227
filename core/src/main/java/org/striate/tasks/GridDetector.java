package org.striate.tasks;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.striate.StriateException;
import org.striate.data.Box;
import org.striate.tensor.Shapes;

/**
 * The single-shot grid detector's encoding, YOLO-v1 style with one box per cell. The model maps an
 * image of H×W pixels to a grid (5 + K, S, S'), cells of stride = H / S pixels. Per cell, channel 0 is
 * the objectness logit, 1–2 the box centre within the cell as logits (sigmoid gives 0..1 across the
 * cell), 3–4 the square roots of the box's width and height as fractions of the image (as YOLO v1:
 * the same error weighs more on a small box), 5.. the K class scores (softmax).
 *
 * <p>{@link #encode} writes the target grid of a scene: the cell holding a box's centre gets
 * objectness 1, the centre offset and root sizes, and a one-hot class; when two centres fall in one
 * cell the larger box wins. {@link #decode} turns a predicted grid into boxes scored
 * sigmoid(objectness) × class probability (the best class of each cell), above a threshold, then
 * {@link #nms}.
 */
public final class GridDetector {
    /** Channels before the class scores. */
    public static final int BOX_CHANNELS = 5;
    /** IoU above which non-maximum suppression drops the lower-scored box of a class. */
    public static final double NMS_IOU = 0.5;

    private GridDetector() {}

    /** Checks that (channels, S, S') is a grid for {@code classes} classes over an image of h×w. */
    public static void checkGrid(int[] grid, int classes, int h, int w) {
        if (grid.length != 3 || grid[0] != BOX_CHANNELS + classes || grid[1] < 1 || grid[2] < 1 || h % grid[1] != 0 || w % grid[2] != 0) {
            throw new StriateException("A grid detector for " + classes + " classes on " + h + "x" + w + " images outputs ("
                    + (BOX_CHANNELS + classes) + ", S, S) with S dividing the image size; the model outputs " + Shapes.str(grid)
                    + ". Expected a model such as det-small ending in 'conv " + (BOX_CHANNELS + classes) + " 1x1'.");
        }
    }

    /** The target grid of one image's boxes, written at {@code off} of {@code out} (zeroed first). */
    public static void encode(List<Box> boxes, int classes, int h, int w, int rows, int cols, float[] out, int off) {
        int plane = rows * cols, channels = BOX_CHANNELS + classes;
        java.util.Arrays.fill(out, off, off + channels * plane, 0f);
        float sy = (float) h / rows, sx = (float) w / cols;
        float[] area = new float[plane];
        for (Box b : boxes) {
            if (b.cls() >= classes) throw new StriateException("Box class " + b.cls() + " is outside [0, " + classes + "). Expected class indices of the detector.");
            float cx = (b.x0() + b.x1()) / 2, cy = (b.y0() + b.y1()) / 2;
            int col = Math.min(cols - 1, (int) (cx / sx)), row = Math.min(rows - 1, (int) (cy / sy)), cell = row * cols + col;
            if (out[off + cell] == 1f && area[cell] >= b.area()) continue;
            area[cell] = b.area();
            out[off + cell] = 1f;
            out[off + plane + cell] = cx / sx - col;
            out[off + 2 * plane + cell] = cy / sy - row;
            out[off + 3 * plane + cell] = (float) Math.sqrt(b.width() / w);
            out[off + 4 * plane + cell] = (float) Math.sqrt(b.height() / h);
            for (int c = 0; c < classes; c++) out[off + (BOX_CHANNELS + c) * plane + cell] = c == b.cls() ? 1f : 0f;
        }
    }

    /** Boxes of one predicted grid at {@code off} of {@code grid}, scored at least {@code minScore}, after NMS. */
    public static List<Box> decode(float[] grid, int off, int classes, int h, int w, int rows, int cols, float minScore) {
        int plane = rows * cols;
        float sy = (float) h / rows, sx = (float) w / cols;
        List<Box> found = new ArrayList<>();
        for (int row = 0; row < rows; row++) {
            for (int col = 0; col < cols; col++) {
                int cell = off + row * cols + col;
                double max = Double.NEGATIVE_INFINITY;
                int best = 0;
                for (int c = 0; c < classes; c++) {
                    float v = grid[cell + (BOX_CHANNELS + c) * plane];
                    if (v > max) { max = v; best = c; }
                }
                double sum = 0;
                for (int c = 0; c < classes; c++) sum += Math.exp(grid[cell + (BOX_CHANNELS + c) * plane] - max);
                float score = (float) (sigmoid(grid[cell]) / sum);
                if (score < minScore) continue;
                float cx = (col + (float) sigmoid(grid[cell + plane])) * sx, cy = (row + (float) sigmoid(grid[cell + 2 * plane])) * sy;
                float rw = Math.max(0, grid[cell + 3 * plane]), rh = Math.max(0, grid[cell + 4 * plane]);
                float bw = rw * rw * w, bh = rh * rh * h;
                found.add(new Box(best, score, clamp(cx - bw / 2, w), clamp(cy - bh / 2, h), clamp(cx + bw / 2, w), clamp(cy + bh / 2, h)));
            }
        }
        return nms(found, NMS_IOU);
    }

    /**
     * Greedy non-maximum suppression per class: boxes by descending score, each kept unless it
     * overlaps a kept box of its class by IoU above {@code iou}.
     */
    public static List<Box> nms(List<Box> boxes, double iou) {
        List<Box> sorted = new ArrayList<>(boxes);
        sorted.sort(Comparator.comparingDouble(Box::score).reversed());
        List<Box> kept = new ArrayList<>();
        for (Box b : sorted) {
            boolean keep = true;
            for (Box k : kept) if (k.cls() == b.cls() && k.iou(b) > iou) { keep = false; break; }
            if (keep) kept.add(b);
        }
        return kept;
    }

    static double sigmoid(double x) { return 1 / (1 + Math.exp(-x)); }

    private static float clamp(float v, int max) { return Math.max(0, Math.min(max, v)); }
}
