package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.kernels.Parallel;
import org.striate.nn.Graph;
import org.striate.nn.LayerSpecs;
import org.striate.tensor.Tensor;

/** Inference batches cut into pieces that whichever thread asks takes: the rule, and the outputs it gives. */
class DataParallelPiecesTest {
    private static Parallel pool;

    @BeforeAll
    static void startPool() { pool = new Parallel(3); }

    @AfterAll
    static void stopPool() { pool.close(); }

    @Test
    void largeModelsTakePiecesAndSmallOnesKeepAFixedSliceEach() {
        assertEquals(8, DataParallel.pieceSize(256, 2, 37_288_320L), "resnet8 at 256: 32 pieces of 8");
        assertEquals(16, DataParallel.pieceSize(256, 2, 4_241_152L), "fashion-cnn at 256");
        assertEquals(0, DataParallel.pieceSize(256, 2, 416_520L), "lenet5: a piece of 16 would be mostly fixed costs");
        assertEquals(0, DataParallel.pieceSize(16, 2, 1_816_557_056L), "resnet18 at 16: pieces under 8 samples");
        assertEquals(10, DataParallel.pieceSize(100, 2, 37_000_000L), "the smallest size from 8 that divides the batch");
        assertEquals(0, DataParallel.pieceSize(101, 2, 37_000_000L), "a prime batch has no equal pieces");
        assertEquals(0, DataParallel.pieceSize(1, 2, 37_000_000L));
        assertEquals(0, DataParallel.pieceSize(256, 2, 0), "a model without multiply-adds");
    }

    @Test
    void everyPieceSizeDividesTheBatchAndGivesEachThreadMoreThanOne() {
        Random rng = new Random(4);
        for (int i = 0; i < 2000; i++) {
            int batch = 1 + rng.nextInt(2048), threads = 1 + rng.nextInt(8);
            long macs = (long) Math.exp(rng.nextDouble() * Math.log(4e9));
            int size = DataParallel.pieceSize(batch, threads, macs);
            if (size == 0) continue;
            String what = "batch " + batch + ", " + threads + " threads, " + macs + " multiply-adds";
            assertEquals(0, batch % size, what);
            assertTrue(batch / size > threads, what);
            assertTrue(size >= DataParallel.PIECE_SAMPLES && (long) size * macs >= DataParallel.PIECE_MACS, what);
        }
    }

    @Test
    void piecesGiveTheWholeBatchsOutputsWithTheSameBitsEveryCall() {
        String spec = "input 8x16x16\nconv 32 3x3 pad=1\nrelu\nconv 32 3x3 pad=1\nrelu\nflatten\ndense 5\n";
        Graph fixed = LayerSpecs.parse(spec, "pieces", null).build(5).forInference();
        long macs = fixed.macs();
        assertEquals(8L * 32 * 9 * 256 + 32L * 32 * 9 * 256 + 32L * 256 * 5, macs);
        piecesMatchTheWholeBatch(fixed, new Random(8));
    }

    /** A batch of 96 in pieces over three threads: the model's own outputs within rounding, the same bits every call; returns x. */
    private static Tensor piecesMatchTheWholeBatch(Graph fixed, Random rng) {
        int batch = 96;
        assertTrue(DataParallel.pieceSize(batch, 3, fixed.macs()) > 0, "the batch must be cut into pieces for this test to mean anything");
        Tensor x = new Tensor(batch, 8, 16, 16);
        for (int i = 0; i < x.size(); i++) x.data[i] = (float) rng.nextGaussian();
        float[] whole = fixed.forward(x, false).data.clone();
        DataParallel parallel = new DataParallel(fixed, pool);
        float[] first = parallel.forward(x, false).data.clone();
        assertEquals(whole.length, first.length);
        for (int i = 0; i < whole.length; i++) assertEquals(whole[i], first[i], 1e-4 * (1 + Math.abs(whole[i])), "output " + i);
        for (int call = 0; call < 6; call++) assertArrayEquals(first, parallel.forward(x, false).data, "call " + call);
        return x;
    }

    @Test
    void piecesStopBeforeALargeLittleUsedLayerWhichThenRunsOnTheWholeBatch() {
        // 8·16·16 = 2,048 inputs × 160 units: 327,680 weights, each used once a sample
        String spec = "input 8x16x16\nconv 96 3x3 pad=1\nrelu\nconv 8 3x3 pad=1\nrelu\nflatten\ndense 160\nrelu\ndense 5\n";
        Graph fixed = LayerSpecs.parse(spec, "cut", null).build(5).forInference();
        assertEquals(5, DataParallel.pieceCut(fixed), "after the flatten (node 5), before the dense layer");
        assertTrue(fixed.cutsAfter(5) && !fixed.cutsAfter(1), "the convolution's pass runs its ReLU: no cut between them");
        Graph small = LayerSpecs.parse(spec.replace("dense 160", "dense 16"), "small", null).build(5).forInference();
        assertEquals(small.nodes().size() - 1, DataParallel.pieceCut(small), "a small dense layer: pieces run the whole model");
        Graph wideConv = LayerSpecs.parse("input 64x8x8\nconv 512 3x3 pad=1\nrelu\nflatten\ndense 5\n", "conv", null).build(5).forInference();
        assertEquals(wideConv.nodes().size() - 1, DataParallel.pieceCut(wideConv), "a large convolution uses each weight 64 times a sample");
        Tensor x = piecesMatchTheWholeBatch(fixed, new Random(9));
        float[] whole = fixed.forward(x, false).data.clone();
        Tensor mid = fixed.forward(x, 0, 5, false).copy();
        assertArrayEquals(whole, fixed.forward(mid, 5, fixed.nodes().size() - 1, false).data, "the two sides of the cut, one after the other");
        assertThrows(StriateException.class, () -> fixed.forward(x, 0, 1, false), "node 1 runs inside the convolution's pass");
    }
}
