package org.striate.data;

import org.striate.StriateException;

/**
 * An axis-aligned box in pixel coordinates of an image, [x0, x1) × [y0, y1) (x1 and y1 are the edges
 * after the last pixel, so a box over one pixel has width 1), with the index of its class and a score
 * (1 for ground truth, the model's confidence for a detection).
 */
public record Box(int cls, float score, float x0, float y0, float x1, float y1) {

    public Box {
        if (!(x1 >= x0 && y1 >= y0) || !Float.isFinite(x0) || !Float.isFinite(y0) || !Float.isFinite(x1) || !Float.isFinite(y1)) {
            throw new StriateException("Invalid box [" + x0 + ", " + x1 + ") x [" + y0 + ", " + y1 + "). Expected finite corners with x0 <= x1 and y0 <= y1.");
        }
        if (cls < 0) throw new StriateException("Invalid box class " + cls + ". Expected a class index >= 0.");
    }

    /** A ground-truth box (score 1). */
    public static Box truth(int cls, float x0, float y0, float x1, float y1) { return new Box(cls, 1f, x0, y0, x1, y1); }

    public float width() { return x1 - x0; }
    public float height() { return y1 - y0; }
    public float area() { return width() * height(); }

    /** Intersection over union: the shared area over the area either covers; 0 when both are empty. */
    public double iou(Box o) {
        double w = Math.min(x1, o.x1) - Math.max(x0, o.x0), h = Math.min(y1, o.y1) - Math.max(y0, o.y0);
        if (w <= 0 || h <= 0) return 0;
        double inter = w * h, union = (double) area() + o.area() - inter;
        return union <= 0 ? 0 : inter / union;
    }

    /** Whether pixel (x, y) (its centre at x + 0.5, y + 0.5) lies inside. */
    public boolean contains(int x, int y) { return x + 0.5f > x0 && x + 0.5f < x1 && y + 0.5f > y0 && y + 0.5f < y1; }
}
