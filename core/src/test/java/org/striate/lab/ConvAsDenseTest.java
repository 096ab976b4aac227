package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.kernels.ConvGeometry;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;

class ConvAsDenseTest {

    static float[] randomInput(Random rng, int n) {
        float[] x = new float[n];
        for (int i = 0; i < n; i++) x[i] = (float) (rng.nextDouble() * 2 - 1);
        return x;
    }

    /** Random layers over strides, padding, dilation and groups: same output, counts as the formulas say. */
    @Test
    void denseMatrixEqualsConvolutionAndCountsMatchFormulas() {
        Random rng = new Random(3);
        int checked = 0;
        for (int trial = 0; trial < 80; trial++) {
            int groups = 1 + rng.nextInt(3);
            int inC = groups * (1 + rng.nextInt(2)), filters = groups * (1 + rng.nextInt(3));
            int h = 3 + rng.nextInt(10), w = 3 + rng.nextInt(10);
            String spec = "input " + inC + "x" + h + "x" + w + "\nconv " + filters + " " + (1 + rng.nextInt(4)) + "x" + (1 + rng.nextInt(4))
                    + " stride=" + (1 + rng.nextInt(3)) + "x" + (1 + rng.nextInt(3)) + " pad=" + rng.nextInt(3) + "x" + rng.nextInt(3)
                    + " dilation=" + (1 + rng.nextInt(3)) + "x" + (1 + rng.nextInt(3)) + " groups=" + groups + " bias=" + rng.nextBoolean();
            Graph m;
            try {
                m = ReceptiveFieldTest.model(spec);
            } catch (StriateException tooSmall) {
                continue;
            }
            float[] p = m.params();
            for (int i = 0; i < p.length; i++) p[i] = (float) rng.nextGaussian();
            ConvAsDense d = ConvAsDense.of(m, 0);
            ConvAsDense.Report r = d.compare(randomInput(rng, d.columns()));
            ConvGeometry g = d.geometry();
            assertTrue(r.maxAbsDifference() <= 1e-5, spec + ": max |dense − conv| = " + r.maxAbsDifference());
            assertTrue(r.maxAbsOutput() > 0, spec);
            assertEquals(r.formulaNonZero(), r.nonZero(), spec);
            assertEquals(r.formulaDistinct(), r.distinctWeights(), spec);
            assertEquals((long) g.outSize() * g.inSize(), r.entries(), spec);
            if (g.padH() == 0 && g.padW() == 0) {
                // no padding: every output reads a full kernel, and every weight is used
                assertEquals((long) g.outC() * g.outH() * g.outW() * g.inPerGroup() * g.kH() * g.kW(), r.nonZero(), spec);
                assertEquals(g.weightSize(), r.distinctWeights(), spec);
            }
            checked++;
        }
        assertTrue(checked >= 40, "checked " + checked);
    }

    /** The matrix loaded into an actual Dense layer gives the convolution's output on a batch. */
    @Test
    void aDenseLayerHoldingTheMatrixComputesTheConvolution() {
        Graph conv = ReceptiveFieldTest.model("input 4x7x6\nconv 6 3x2 stride=2x1 pad=1 dilation=1x2 groups=2");
        Random rng = new Random(5);
        for (int i = 0; i < conv.params().length; i++) conv.params()[i] = (float) rng.nextGaussian();
        ConvAsDense d = ConvAsDense.of(conv, 0);
        Graph dense = Sequential.builder(4, 7, 6).add(new Flatten()).add(new Dense(d.rows())).build(1);
        float[] matrix = d.matrix();
        System.arraycopy(matrix, 0, dense.params(), 0, matrix.length);
        for (int r = 0; r < d.rows(); r++) dense.params()[matrix.length + r] = d.rowBias(r);
        Tensor x = Tensor.of(randomInput(rng, 3 * 4 * 7 * 6), 3, 4, 7, 6);
        float[] yConv = conv.forward(x, false).copy().data;
        float[] yDense = dense.forward(x, false).copy().data;
        assertEquals(yConv.length, yDense.length);
        for (int i = 0; i < yConv.length; i++) assertEquals(yConv[i], yDense[i], 1e-5, "output " + i);
    }

    /** 4x4 input, one 3x3 filter, no padding: 4 rows, each a shifted copy of the same nine weights. */
    @Test
    void patternShowsBandsOfTheSameNineWeights() {
        Graph m = ReceptiveFieldTest.model("input 1x4x4\nconv 1 3x3");
        String expected = """
                abc.def.ghi.....
                .abc.def.ghi....
                ....abc.def.ghi.
                .....abc.def.ghi
                """;
        assertEquals(expected, ConvAsDense.of(m, 0).pattern());
        ConvAsDense.Report r = ConvAsDense.of(m, 0).compare(new float[16]);
        assertEquals(64, r.entries());
        assertEquals(36, r.nonZero());
        assertEquals(9, r.distinctWeights());
        assertEquals(4.0, r.reuse(), 0);
        assertEquals(64 + 4, r.denseParams());
        String text = r.text(true);
        assertTrue(text.contains("non-zero entries: 36 (56.250% of all) — formula outC*(C/groups)*A_H*A_W = 1*1*6*6 = 36 (match)"), text);
        assertTrue(text.contains("distinct weights: 9 of the layer's 9"), text);
        assertTrue(text.contains("parameters: as a dense layer 64 (+4 biases) = 68; as a conv layer 9 + 1 biases = 10"), text);
        assertTrue(r.json(true).contains("\"non_zero\": 36, \"formula_non_zero\": 36"), r.json(true));
    }

    @Test
    void heavyPaddingLeavesSomeTapsUnused() {
        // 1x1 input, 3x3 kernel, pad 1: only the centre tap ever touches the image
        ConvGeometry g = new ConvGeometry(1, 1, 1, 2, 3, 3, 1, 1, 1, 1, 1, 1, 1);
        assertEquals(2, ConvAsDense.formulaDistinct(g));
        assertEquals(2, ConvAsDense.formulaNonZero(g));
        ConvAsDense.Report r = new ConvAsDense(g, new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 0, null, 0)
                .compare(new float[] {1f});
        assertEquals(2, r.nonZero());
        assertEquals(2, r.distinctWeights());
        assertEquals(0, r.maxAbsDifference(), 0);
    }

    @Test
    void nonConvLayerIsRejectedWithTheConvIndices() {
        Graph m = ReceptiveFieldTest.model("input 1x6x6\nconv 2 3x3\nrelu\nconv 2 3x3");
        StriateException e = assertThrows(StriateException.class, () -> ConvAsDense.of(m, 1));
        assertEquals("Layer 1 ('relu_1') is a ReLU. Expected a convolution; convolution layers of this model: 0, 2.", e.getMessage());
        assertThrows(StriateException.class, () -> ConvAsDense.of(m, 3));
    }
}
