package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.nn.Filters;
import org.striate.nn.Graph;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Node;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;

/**
 * The receptive field the summary prints for every node, against a brute-force measurement: light
 * one input row (or column) at a time and record which output cells change.
 *
 * <p>The measurement must not miss a dependence: with every filter weight positive, biases and
 * BatchNorm's shift at zero and a zero image, every value is exactly zero unless it depends on the lit
 * pixels, and then it is positive — ReLU passes it, a max takes it, a sum cannot cancel it.
 */
class GraphReceptiveFieldTest {

    static void positiveWeights(Graph m) {
        for (Layer l : m.layers()) {
            Filters f = l.filters();
            if (f != null) java.util.Arrays.fill(f.params(), f.weightOffset(), f.weightOffset() + f.weightCount(), 0.05f);
        }
    }

    /** For each node (index = node) and output row i: the first and last input row that changes it; {-1, -1} when none. */
    static int[][][] measure(Graph m, int axis) {
        int[] in = m.inputShape();
        int lines = in[1 + axis];
        Tensor x = new Tensor(lines, in[0], in[1], in[2]);
        for (int s = 0; s < lines; s++) {
            for (int c = 0; c < in[0]; c++) {
                for (int i = 0; i < in[1]; i++) {
                    for (int j = 0; j < in[2]; j++) if ((axis == 0 ? i : j) == s) x.data[((s * in[0] + c) * in[1] + i) * in[2] + j] = 1;
                }
            }
        }
        Tensor[] out = m.activations(x);
        int[][][] span = new int[out.length][][];
        for (int k = 1; k < out.length; k++) {
            int[] shape = out[k].sampleShape();
            if (shape.length != 3) continue;
            int cells = shape[1 + axis];
            span[k] = new int[cells][];
            for (int o = 0; o < cells; o++) span[k][o] = new int[] {-1, -1};
            int plane = shape[1] * shape[2];
            for (int s = 0; s < lines; s++) {
                for (int c = 0; c < shape[0]; c++) {
                    for (int p = 0; p < plane; p++) {
                        float v = out[k].data[(s * shape[0] + c) * plane + p];
                        if (v == 0) continue;
                        assertTrue(v > 0, "values stay positive");
                        int o = axis == 0 ? p / shape[2] : p % shape[2];
                        if (span[k][o][0] < 0) span[k][o][0] = s;
                        span[k][o][1] = s;
                    }
                }
            }
        }
        return span;
    }

    static void check(Graph m) {
        positiveWeights(m);
        List<ReceptiveField> fields = ReceptiveField.of(m);
        List<Node> nodes = m.nodes();
        int[] in = m.inputShape();
        for (int axis = 0; axis < 2; axis++) {
            int[][][] span = measure(m, axis);
            int lines = in[1 + axis];
            for (int k = 1; k < nodes.size(); k++) {
                ReceptiveField f = fields.get(k - 1);
                String what = nodes.get(k).name() + " axis " + axis + " " + f;
                if (f.kind() == ReceptiveField.Kind.GLOBAL) {
                    if (span[k] != null) for (int[] s : span[k]) assertTrue(s[0] == 0 && s[1] == lines - 1, what + ": every cell sees every line");
                    continue;
                }
                assertEquals(ReceptiveField.Kind.LOCAL, f.kind(), what);
                int size = axis == 0 ? f.sizeH() : f.sizeW();
                double jump = axis == 0 ? f.jumpH() : f.jumpW(), start = axis == 0 ? f.startH() : f.startW();
                int widest = 0;
                for (int o = 0; o < span[k].length; o++) {
                    int[] s = span[k][o];
                    assertTrue(s[0] >= 0, what + ": cell " + o + " depends on some input");
                    widest = Math.max(widest, s[1] - s[0] + 1);
                    if (f.hasStart()) {
                        double centre = start + jump * o, half = (size - 1) / 2.0;
                        int lo = (int) Math.max(0, Math.ceil(centre - half)), hi = (int) Math.min(lines - 1, Math.floor(centre + half));
                        assertEquals(lo + ".." + hi, s[0] + ".." + s[1], what + ": cell " + o);
                    }
                }
                assertTrue(widest <= size, what + ": measured " + widest);
                // without a start, at least the size: a field of half the image fits around some middle cell
                if (!f.hasStart() && 2 * size <= lines) assertEquals(size, widest, what + ": some cell's field lies inside the image");
            }
        }
    }

    @Test
    void resnet8FieldsMatchTheMeasurement() { check(Zoo.build("resnet8", new int[] {1, 24, 24}, 10, 1)); }

    @Test
    void unetSmallFieldsMatchTheMeasurement() { check(Zoo.build("unet-small", new int[] {1, 40, 40}, 2, 1)); }

    @Test
    void blurPoolFieldsMatchTheMeasurement() {
        check(Zoo.build("small-cnn-blurpool", new int[] {1, 20, 20}, 10, 1));
        check(LayerSpecs.parse("input 1x21x21\nconv 2 3x3 dilation=2\nblurpool stride=1 size=5\nmaxpool 3 stride=2 pad=1\nblurpool\n"
                + "convtranspose 2 3x3 stride=2 pad=1\nupsample 2 mode=bilinear\nconv 2 3x3 pad=1\nupsample 3\n", "t", null).build(1));
    }
}
