package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.nn.Zoo;

class ModelSummaryTest {

    /*
     * input 1x28x28
     * conv 8 3x3 pad=1   out 8x28x28: params 8·9 + 8 = 80, MACs 8·28·28·9 = 56,448
     * relu               out 8x28x28
     * conv 4 3x3 stride=2 out 4x13x13: params 4·8·9 + 4 = 292, MACs 4·13·13·72 = 48,672
     * flatten            676
     * dense 10           params 6,760 + 10 = 6,770, MACs 6,760
     * Memory (float32): forward = output·4; kept for backward = conv and dense inputs, relu input, flatten none.
     * Dense equivalents: conv 1: 784 in × 6,272 out = 4,917,248; conv 2: 6,272 × 676 = 4,239,872.
     */
    static final String SPEC = "input 1x28x28\nconv 8 3x3 pad=1\nrelu\nconv 4 3x3 stride=2\nflatten\ndense 10";

    @Test
    void rowsHoldShapesParamsMacsMemoryAndDenseEquivalents() {
        ModelSummary s = ModelSummary.of(ReceptiveFieldTest.model(SPEC));
        assertEquals(5, s.rows().size());
        long[] params = {80, 0, 292, 0, 6770}, macs = {56448, 0, 48672, 0, 6760};
        long[] fwd = {25088, 25088, 2704, 2704, 40}, bwd = {3136, 25088, 25088, 0, 2704};
        long[] dense = {4_917_248, -1, 4_239_872, -1, -1};
        for (int i = 0; i < 5; i++) {
            ModelSummary.Row r = s.rows().get(i);
            assertEquals(params[i], r.params(), "params of " + r.name());
            assertEquals(macs[i], r.macs(), "MACs of " + r.name());
            assertEquals(fwd[i], r.forwardBytes(), "forward bytes of " + r.name());
            assertEquals(bwd[i], r.backwardBytes(), "backward bytes of " + r.name());
            assertEquals(dense[i], r.denseWeights(), "dense weights of " + r.name());
        }
        assertArrayEquals(new int[] {4, 13, 13}, s.rows().get(2).outputShape());
        assertEquals(4_917_248.0 / 80, s.rows().get(0).denseRatio(), 1e-9);
        assertEquals(7142, s.totalParams());
        assertEquals(784 * 4 + 25088 + 25088 + 2704 + 2704 + 40, s.totalForwardBytes());
        assertEquals(3136 + 25088 + 25088 + 2704, s.totalBackwardBytes());
        // conv 3x3 stride 2 without padding on 28: row and column 27 are never read
        assertEquals(1, s.unseen().size());
        assertEquals("conv2d_2", s.unseen().get(0).layerName());
    }

    /** The seed's example: 640x480 RGB into 128 units is 117,964,800 weights; a 3x3 conv needs 3,584. */
    @Test
    void seedDenseExample() {
        DenseComparison d = DenseComparison.parse("3x480x640:128");
        assertEquals(117_964_800L, d.denseWeights());
        assertEquals(3L * 3 * 3 * 128 + 128, d.convParams());
        assertEquals((117_964_800.0 + 128) / 3584, d.ratio(), 1e-9);
        assertTrue(d.text().contains("3x480x640 = 921,600 inputs x 128 units = 117,964,800 weights"), d.text());
        assertEquals(5L * 5 * 3 * 128 + 128, DenseComparison.parse("3x480x640:128:5").convParams());
        StriateException e = assertThrows(StriateException.class, () -> DenseComparison.parse("480x640:128"));
        assertEquals("Invalid dense comparison '480x640:128'. Expected CxHxW:UNITS or CxHxW:UNITS:KERNEL, e.g. 3x480x640:128.", e.getMessage());
        assertThrows(StriateException.class, () -> DenseComparison.parse("3x480x640:0"));
    }

    @Test
    void denseComparisonRefusesAKernelLargerThanTheInputAndShowsSmallRatiosWithADecimal() {
        StriateException e = assertThrows(StriateException.class, () -> DenseComparison.parse("3x8x8:10:9"));
        assertTrue(e.getMessage().contains("a 9x9 kernel does not fit in the 8x8 input"), e.getMessage());
        // dense 192·10 + 10 = 1,930; conv 7·7·3·10 + 10 = 1,480: 1.3 times, not "1 times"
        assertTrue(DenseComparison.parse("3x8x8:10:7").text().contains("needs 1.3 times more parameters"), DenseComparison.parse("3x8x8:10:7").text());
    }

    /*
     * lenet5 memory, float32 per sample:
     *  maxpool 1 (6x14x14 out): keeps one int index per output = 1,176 · 4 = 4,704 bytes
     *  conv 2 keeps its 6x14x14 input = 4,704 bytes; avg pooling would keep nothing.
     * Dense equivalents: conv 1 maps 784 → 4,704 values: 3,687,936 weights for its 156 parameters.
     */
    @Test
    void poolingKeepsIndicesAndLocallyConnectedGetsADenseComparison() {
        ModelSummary s = ModelSummary.of(Zoo.build("lenet5", 1));
        assertEquals(4704, s.rows().get(2).backwardBytes());
        assertEquals(4704, s.rows().get(3).backwardBytes());
        assertEquals(784L * 4704, s.rows().get(0).denseWeights());
        assertEquals(156, s.rows().get(0).params());
        assertTrue(s.unseen().isEmpty());
        ModelSummary avg = ModelSummary.of(ReceptiveFieldTest.model("input 1x6x6\navgpool 2\ngap"));
        assertEquals(0, avg.rows().get(0).backwardBytes());
        assertEquals(0, avg.rows().get(1).backwardBytes());
        // lc 4 3x3 on 1x6x6: 4x4x4 outputs, each with its own 9 weights and bias: 576 + 64 = 640 parameters
        ModelSummary lc = ModelSummary.of(ReceptiveFieldTest.model("input 1x6x6\nlc 4 3x3"));
        assertEquals(640, lc.rows().get(0).params());
        assertEquals(36L * 64, lc.rows().get(0).denseWeights());
        assertEquals(2304.0 / 640, lc.rows().get(0).denseRatio(), 1e-12);
    }

    /** 7 rows into max pooling 2: 3 outputs read rows 0-5, row 6 is dropped. */
    @Test
    void poolingThatDropsALastRowIsReported() {
        ModelSummary s = ModelSummary.of(ReceptiveFieldTest.model("input 1x7x8\nmaxpool 2"));
        assertEquals(2, s.unseen().size());
        assertArrayEquals(new int[] {6}, s.unseen().get(0).rows());
        assertArrayEquals(new int[0], s.unseen().get(0).columns());
        // the pooling layer reads the model input directly: the same row is lost from the image
        assertEquals(-1, s.unseen().get(1).layerIndex());
        assertArrayEquals(new int[] {6}, s.unseen().get(1).rows());
        assertTrue(s.unseen().get(1).message().startsWith("model input: input row 6 (of 0-6) is never seen by any output"), s.unseen().get(1).message());
    }

    @Test
    void flatInputModelHasGlobalFieldsAndNoWarnings() {
        Graph mlp = Sequential.builder(784).add(new org.striate.nn.Dense(32)).add(new org.striate.nn.ReLU()).build(1);
        ModelSummary s = ModelSummary.of(mlp);
        assertEquals(ReceptiveField.Kind.GLOBAL, s.rows().get(0).field().kind());
        assertEquals(-1, s.rows().get(0).denseWeights());
        assertTrue(s.unseen().isEmpty());
    }
}
