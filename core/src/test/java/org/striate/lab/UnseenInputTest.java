package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

class UnseenInputTest {

    static Graph model(String spec) { return ReceptiveFieldTest.model(spec); }

    @Test
    void width28Kernel3Stride2WithoutPaddingDropsTheLastColumn() {
        List<UnseenInput> u = UnseenInput.find(model("input 1x28x28\nconv 2 3x3 stride=2"));
        assertEquals(1, u.size());
        assertArrayEquals(new int[] {27}, u.get(0).rows());
        assertArrayEquals(new int[] {27}, u.get(0).columns());
        assertEquals("conv2d_1: input row 27 (of 0-27) and input column 27 (of 0-27) are never seen by any output; "
                + "change the padding, stride or input size so the windows cover it.", u.get(0).message());
    }

    @Test
    void paddingOrAnOddSizeCoversEverything() {
        assertTrue(UnseenInput.find(model("input 1x28x28\nconv 2 3x3 stride=2 pad=1")).isEmpty());
        assertTrue(UnseenInput.find(model("input 1x29x29\nconv 2 3x3 stride=2")).isEmpty());
        assertTrue(UnseenInput.find(model("input 1x28x28\nconv 2 5x5 pad=2\nrelu\nconv 2 3x3 pad=same\nflatten\ndense 4")).isEmpty());
    }

    @Test
    void onlyTheAxisThatLosesPixelsIsReported() {
        List<UnseenInput> u = UnseenInput.find(model("input 1x28x29\nconv 2 3x3 stride=2"));
        assertEquals(1, u.size());
        assertArrayEquals(new int[] {27}, u.get(0).rows());
        assertArrayEquals(new int[0], u.get(0).columns());
        assertTrue(u.get(0).message().startsWith("conv2d_1: input row 27 (of 0-27) is never"), u.get(0).message());
    }

    @Test
    void strideLargerThanKernelLeavesInteriorGaps() {
        List<UnseenInput> u = UnseenInput.find(model("input 1x9x9\nconv 1 2x2 stride=3"));
        assertArrayEquals(new int[] {2, 5, 8}, u.get(0).columns());
        assertEquals("2, 5, 8", UnseenInput.ranges(u.get(0).columns()));
        assertEquals("0-2, 5, 7-8", UnseenInput.ranges(new int[] {0, 1, 2, 5, 7, 8}));
    }

    @Test
    void laterLayersAreCheckedInTheirOwnCoordinates() {
        // 28 → conv 3x3 pad 1 → 28 → conv 3x3 stride 2 → 13, which never reads row/column 27 of its input
        List<UnseenInput> u = UnseenInput.find(model("input 1x28x28\nconv 2 3x3 pad=1\nrelu\nconv 2 3x3 stride=2"));
        assertEquals(1, u.size());
        assertEquals(2, u.get(0).layerIndex());
        assertEquals("conv2d_2", u.get(0).layerName());
    }

    /*
     * conv 3x3 stride 2 on 28 reads rows 0-26 (13 outputs); max pooling 2 of those 13 reads rows 0-11,
     * dropping conv row 12, which read input rows 24-26; row 24 is also read by conv row 11, and row 27
     * by no conv output at all. So the model's input rows and columns 25-27 reach no output.
     */
    @Test
    void modelInputPixelsLostThroughSeveralLayers() {
        Graph m = model("input 1x28x28\nconv 8 3x3 stride=2\nrelu\nmaxpool 2\nflatten\ndense 10");
        UnseenInput u = UnseenInput.modelInput(m).orElseThrow();
        assertArrayEquals(new int[] {25, 26, 27}, u.rows());
        assertArrayEquals(new int[] {25, 26, 27}, u.columns());
        assertEquals("model input: input rows 25-27 (of 0-27) and input columns 25-27 (of 0-27) are never seen by any output; "
                + "change the padding, stride or input size so the windows cover it.", u.message());
        assertTrue(UnseenInput.modelInput(model("input 1x28x28\nconv 8 3x3 stride=2 pad=1\nmaxpool 2\nflatten\ndense 10")).isEmpty());
    }

    /** Oracle for the whole model: all weights 1, no non-linearity; the input gradient is zero exactly on lost pixels. */
    @Test
    void modelInputWarningMatchesTheGradientThroughRandomStacks() {
        Random rng = new Random(23);
        int fired = 0, quiet = 0;
        for (int trial = 0; trial < 200; trial++) {
            int h = 8 + rng.nextInt(14), w = 8 + rng.nextInt(14);
            StringBuilder spec = new StringBuilder("input 1x" + h + "x" + w + "\n");
            for (int l = 0, n = 1 + rng.nextInt(3); l < n; l++) {
                if (rng.nextBoolean()) spec.append("avgpool ").append(2 + rng.nextInt(2)).append('\n');
                else spec.append("conv 1 ").append(1 + rng.nextInt(3)).append("x").append(1 + rng.nextInt(3)).append(" stride=")
                        .append(1 + rng.nextInt(3)).append(" pad=").append(rng.nextInt(2)).append(" bias=false\n");
            }
            spec.append("flatten\ndense 1 bias=false\n");
            Graph m;
            try {
                m = model(spec.toString());
            } catch (RuntimeException tooSmall) {
                continue;
            }
            Arrays.fill(m.params(), 1f);
            m.forward(new Tensor(1, 1, h, w), true);
            Tensor dy = new Tensor(1, 1);
            dy.fill(1f);
            Tensor dx = m.backward(dy);
            boolean[] rowSeen = new boolean[h], colSeen = new boolean[w];
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    if (dx.get(0, 0, r, c) != 0) { rowSeen[r] = true; colSeen[c] = true; }
                }
            }
            int[] rows = IntStream.range(0, h).filter(r -> !rowSeen[r]).toArray();
            int[] cols = IntStream.range(0, w).filter(c -> !colSeen[c]).toArray();
            var u = UnseenInput.modelInput(m);
            if (rows.length == 0 && cols.length == 0) {
                assertTrue(u.isEmpty(), spec::toString);
                quiet++;
            } else {
                assertArrayEquals(rows, u.orElseThrow().rows(), spec::toString);
                assertArrayEquals(cols, u.orElseThrow().columns(), spec::toString);
                fired++;
            }
        }
        assertTrue(fired >= 20 && quiet >= 20, "fired " + fired + ", quiet " + quiet);
    }

    /**
     * The oracle: with all weights 1, the input gradient of the sum of all outputs is zero exactly on
     * the pixels no output reads. The warning must list exactly those rows and columns, on random
     * geometries.
     */
    @Test
    void warningFiresExactlyWhenTheGradientLeavesRowsOrColumnsAtZero() {
        Random rng = new Random(11);
        int fired = 0, quiet = 0;
        for (int trial = 0; trial < 300; trial++) {
            int h = 5 + rng.nextInt(12), w = 5 + rng.nextInt(12);
            int kh = 1 + rng.nextInt(4), kw = 1 + rng.nextInt(4);
            String spec = "input 1x" + h + "x" + w + "\nconv 1 " + kh + "x" + kw + " stride=" + (1 + rng.nextInt(3)) + "x" + (1 + rng.nextInt(3))
                    + " pad=" + rng.nextInt(2) + "x" + rng.nextInt(2) + " dilation=" + (1 + rng.nextInt(4) / 3) + "x" + (1 + rng.nextInt(4) / 3) + " bias=false";
            Graph m;
            try {
                m = model(spec);
            } catch (RuntimeException tooSmall) {
                continue;
            }
            Arrays.fill(m.params(), 1f);
            m.forward(new Tensor(1, 1, h, w), true);
            int[] out = m.outputShape();
            Tensor dy = new Tensor(1, out[0], out[1], out[2]);
            dy.fill(1f);
            Tensor dx = m.backward(dy);
            boolean[] rowSeen = new boolean[h], colSeen = new boolean[w];
            for (int r = 0; r < h; r++) {
                for (int c = 0; c < w; c++) {
                    if (dx.get(0, 0, r, c) != 0) { rowSeen[r] = true; colSeen[c] = true; }
                }
            }
            int[] rows = IntStream.range(0, h).filter(r -> !rowSeen[r]).toArray();
            int[] cols = IntStream.range(0, w).filter(c -> !colSeen[c]).toArray();
            List<UnseenInput> u = UnseenInput.find(m);
            if (rows.length == 0 && cols.length == 0) {
                assertTrue(u.isEmpty(), spec);
                quiet++;
            } else {
                assertEquals(1, u.size(), spec);
                assertArrayEquals(rows, u.get(0).rows(), spec);
                assertArrayEquals(cols, u.get(0).columns(), spec);
                fired++;
            }
        }
        assertTrue(fired >= 20 && quiet >= 20, "fired " + fired + ", quiet " + quiet);
    }
}
