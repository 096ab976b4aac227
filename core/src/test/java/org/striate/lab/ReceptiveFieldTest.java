package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;

class ReceptiveFieldTest {

    static Graph model(String spec) { return LayerSpecs.parse(spec, "test", null).build(1); }

    static void assertField(ReceptiveField f, int sizeH, int sizeW, int jumpH, int jumpW, double startH, double startW) {
        assertEquals(ReceptiveField.Kind.LOCAL, f.kind(), "kind");
        assertEquals(sizeH, f.sizeH(), "size H");
        assertEquals(sizeW, f.sizeW(), "size W");
        assertEquals(jumpH, f.jumpH(), "jump H");
        assertEquals(jumpW, f.jumpW(), "jump W");
        assertEquals(startH, f.startH(), 0, "start H");
        assertEquals(startW, f.startW(), 0, "start W");
    }

    /*
     * Worked by hand, input 1x32x32, r0 = 1, j0 = 1, start0 = 0:
     * conv 3x3 pad 1          k_eff 3: r = 1 + 2·1 = 3,  j = 1, start = 0 + (1 − 1)·1 = 0
     * conv 3x3 dil 2 pad 2    k_eff 5: r = 3 + 4·1 = 7,  j = 1, start = 0 + (2 − 2)·1 = 0
     * conv 3x3 stride 2       k_eff 3: r = 7 + 2·1 = 9,  j = 2, start = 0 + (1 − 0)·1 = 1
     * relu                    unchanged
     * conv 5x3 stride 2x1 dilation 1x3
     *   H: k_eff 5: r = 9 + 4·2 = 17, j = 4, start = 1 + 2·2 = 5
     *   W: k_eff 7: r = 9 + 6·2 = 21, j = 2, start = 1 + 3·2 = 7
     * flatten, dense          the whole 32x32 input
     */
    @Test
    void dilatedStridedPaddedStackMatchesHandArithmetic() {
        Graph m = model("""
                input 1x32x32
                conv 4 3x3 pad=1
                conv 4 3x3 dilation=2 pad=2
                conv 4 3x3 stride=2
                relu
                conv 4 5x3 stride=2x1 dilation=1x3
                flatten
                dense 3
                """);
        List<ReceptiveField> f = ReceptiveField.of(m);
        assertField(f.get(0), 3, 3, 1, 1, 0, 0);
        assertField(f.get(1), 7, 7, 1, 1, 0, 0);
        assertField(f.get(2), 9, 9, 2, 2, 1, 1);
        assertField(f.get(3), 9, 9, 2, 2, 1, 1);
        assertField(f.get(4), 17, 21, 4, 2, 5, 7);
        assertEquals("17x21", f.get(4).sizeText());
        for (int i = 5; i <= 6; i++) {
            assertEquals(ReceptiveField.Kind.GLOBAL, f.get(i).kind());
            assertEquals(32, f.get(i).sizeH());
            assertEquals(32, f.get(i).sizeW());
        }
    }

    /** Padding pushes the first field's centre off the image: 3x3 pad 2 starts at −1. */
    @Test
    void paddingLargerThanHalfTheKernelGivesNegativeStart() {
        List<ReceptiveField> f = ReceptiveField.of(model("input 1x8x8\nconv 1 3x3 pad=2\nconv 1 2x2 stride=2"));
        assertField(f.get(0), 3, 3, 1, 1, -1, -1);
        // even kernel: k_eff 2, start = −1 + 0.5·1
        assertField(f.get(1), 4, 4, 2, 2, -0.5, -0.5);
    }

    /**
     * An independent check: with all weights 1 and no non-linearity, the input gradient of one output
     * cell is non-zero exactly on the input pixels that cell reads. Its bounding box must have the
     * receptive field's size, centred at start + i·jump, whenever the field lies inside the image.
     */
    @Test
    void fieldMatchesTheSupportOfTheInputGradient() {
        Random rng = new Random(7);
        int checked = 0;
        for (int trial = 0; trial < 120; trial++) {
            StringBuilder spec = new StringBuilder("input 1x41x43\n");
            int layers = 1 + rng.nextInt(4);
            for (int l = 0; l < layers; l++) {
                int k = 1 + rng.nextInt(3), s = 1 + rng.nextInt(2), d = 1 + rng.nextInt(2), p = rng.nextInt(2);
                if (rng.nextInt(3) == 0) {
                    // average pooling: its gradient reaches every cell of the window, like a conv of ones
                    int pk = 2 + rng.nextInt(2);
                    spec.append("avgpool ").append(pk).append(" stride=").append(1 + rng.nextInt(pk)).append(" pad=").append(rng.nextInt(pk / 2 + 1)).append('\n');
                    continue;
                }
                spec.append("conv 1 ").append(k).append('x').append(1 + rng.nextInt(3))
                        .append(" stride=").append(s).append(" dilation=").append(d).append(" pad=").append(p).append(" bias=false\n");
            }
            Graph m;
            try {
                m = model(spec.toString());
            } catch (RuntimeException tooSmall) {
                continue;
            }
            Arrays.fill(m.params(), 1f);
            int[] out = m.outputShape();
            int i = out[1] / 2, j = out[2] / 2;
            ReceptiveField f = ReceptiveField.of(m).get(m.layers().size() - 1);
            double centreH = f.startH() + i * f.jumpH(), centreW = f.startW() + j * f.jumpW();
            if (centreH - (f.sizeH() - 1) / 2.0 < 0 || centreH + (f.sizeH() - 1) / 2.0 > 40
                    || centreW - (f.sizeW() - 1) / 2.0 < 0 || centreW + (f.sizeW() - 1) / 2.0 > 42) continue;
            m.forward(new Tensor(1, 1, 41, 43), true);
            Tensor dy = new Tensor(1, out[0], out[1], out[2]);
            dy.set(1f, 0, 0, i, j);
            Tensor dx = m.backward(dy);
            int r0 = Integer.MAX_VALUE, r1 = -1, c0 = Integer.MAX_VALUE, c1 = -1;
            for (int r = 0; r < 41; r++) {
                for (int c = 0; c < 43; c++) {
                    if (dx.get(0, 0, r, c) != 0) { r0 = Math.min(r0, r); r1 = Math.max(r1, r); c0 = Math.min(c0, c); c1 = Math.max(c1, c); }
                }
            }
            String where = spec.toString();
            assertEquals(f.sizeH(), r1 - r0 + 1, where);
            assertEquals(f.sizeW(), c1 - c0 + 1, where);
            assertEquals(centreH, (r0 + r1) / 2.0, 0, where);
            assertEquals(centreW, (c0 + c1) / 2.0, 0, where);
            checked++;
        }
        assertEquals(true, checked >= 20, "too few stacks checked: " + checked);
    }

    /*
     * lenet5 on 1x28x28, by hand (r0 = 1, j0 = 1, start0 = 0):
     *  0 conv 5x5 pad 2   r = 1 + 4·1 = 5     j = 1   start = 0 + (2 − 2)·1 = 0
     *  1 relu             unchanged
     *  2 maxpool 2        r = 5 + 1·1 = 6     j = 2   start = 0 + (0.5 − 0)·1 = 0.5
     *  3 conv 5x5         r = 6 + 4·2 = 14    j = 2   start = 0.5 + 2·2 = 4.5
     *  5 maxpool 2        r = 14 + 1·2 = 16   j = 4   start = 4.5 + 0.5·2 = 5.5
     *  6 flatten          the whole 28x28 image; so are the dense layers after it
     * The 5x5 outputs of layer 5 centre at 5.5, 9.5, …, 21.5: each sees 16 of the 28 pixels per axis.
     */
    @Test
    void lenet5ByHand() {
        List<ReceptiveField> f = ReceptiveField.of(Zoo.build("lenet5", 1));
        assertField(f.get(0), 5, 5, 1, 1, 0, 0);
        assertField(f.get(1), 5, 5, 1, 1, 0, 0);
        assertField(f.get(2), 6, 6, 2, 2, 0.5, 0.5);
        assertField(f.get(3), 14, 14, 2, 2, 4.5, 4.5);
        assertField(f.get(5), 16, 16, 4, 4, 5.5, 5.5);
        for (int i = 6; i < f.size(); i++) {
            assertEquals(ReceptiveField.Kind.GLOBAL, f.get(i).kind());
            assertEquals("all 28", f.get(i).sizeText());
        }
    }

    /*
     * fashion-cnn on 1x28x28:
     *  0 conv 3x3 pad 1   r = 3    j = 1   start = 0 + (1 − 1)·1 = 0
     *  2 maxpool 2        r = 4    j = 2   start = 0 + 0.5·1 = 0.5
     *  3 conv 3x3 pad 1   r = 4 + 2·2 = 8    j = 2   start = 0.5 + (1 − 1)·2 = 0.5
     *  5 maxpool 2        r = 8 + 1·2 = 10   j = 4   start = 0.5 + 0.5·2 = 1.5
     * So each of the 7x7x64 features seen by the dense head covers only 10x10 pixels.
     */
    @Test
    void fashionCnnByHand() {
        List<ReceptiveField> f = ReceptiveField.of(Zoo.build("fashion-cnn", 1));
        assertField(f.get(0), 3, 3, 1, 1, 0, 0);
        assertField(f.get(2), 4, 4, 2, 2, 0.5, 0.5);
        assertField(f.get(3), 8, 8, 2, 2, 0.5, 0.5);
        assertField(f.get(5), 10, 10, 4, 4, 1.5, 1.5);
        assertEquals(ReceptiveField.Kind.GLOBAL, f.get(6).kind());
    }

    /** Global average pooling makes the field the whole input; a locally connected layer grows it like a conv. */
    @Test
    void globalPoolingAndLocallyConnected() {
        List<ReceptiveField> f = ReceptiveField.of(model("input 2x10x12\nlc 3 3x3 stride=2\nmaxpool 2 stride=1\ngap\ndense 2"));
        assertField(f.get(0), 3, 3, 2, 2, 1, 1);
        assertField(f.get(1), 5, 5, 2, 2, 2, 2);
        assertEquals(ReceptiveField.Kind.GLOBAL, f.get(2).kind());
        assertEquals("all 10x12", f.get(2).sizeText());
    }

    @Test
    void elementWiseLayersPassTheFieldThrough() {
        Graph m = model("input 2x9x9\nconv 3 3x3\nrelu");
        List<ReceptiveField> f = ReceptiveField.of(m);
        assertEquals(f.get(0), f.get(1));
        Layer relu = m.layer(1);
        assertEquals(f.get(0), f.get(0).through(relu, new int[] {9, 9}));
    }
}
