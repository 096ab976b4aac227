package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.striate.data.Dataset;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.Parallel;
import org.striate.kernels.ScalarKernels;
import org.striate.nn.Conv2d;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.Layer;
import org.striate.nn.ReLU;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;

/** A layer of the user's own, whose spec line Striate cannot read back, still trains and evaluates. */
class CustomLayerTrainingTest {
    private static Kernels previous;

    /** y = 2x: no parameters, and a spec keyword no parser knows. */
    static final class Double extends Layer {
        private Tensor y, dx;

        @Override
        protected int[] computeOutputShape(int[] in) { return in.clone(); }

        @Override
        public Tensor forward(Tensor x, boolean training) {
            checkInput(x);
            y = reuse(y, x.batch(), outputShape);
            for (int i = 0; i < x.size(); i++) y.data[i] = 2 * x.data[i];
            return y;
        }

        @Override
        public Tensor backward(Tensor dy) {
            dx = reuse(dx, dy.batch(), inputShape);
            for (int i = 0; i < dy.size(); i++) dx.data[i] = 2 * dy.data[i];
            return dx;
        }

        @Override
        public String spec() { return "double-it"; }
    }

    @BeforeAll
    static void twoThreads() {
        previous = Kernels.get();
        KernelProvider.use(new ScalarKernels(2));
    }

    @AfterAll
    static void restore() { KernelProvider.use(previous instanceof ScalarKernels ? new ScalarKernels() : previous); }

    private static Graph model(Layer extra) {
        Sequential.Builder b = Sequential.builder(1, Bars.SIZE, Bars.SIZE).add(new Conv2d(3, 3)).add(new ReLU());
        if (extra != null) b.add(extra);
        return b.add(new Flatten()).add(new Dense(2)).build(4);
    }

    @Test
    void aModelWithAUserLayerRunsUnsplitAndStillTrains() {
        try (Parallel pool = new Parallel(2)) {
            assertEquals(2, new DataParallel(model(null), pool).threads());
            assertEquals(1, new DataParallel(model(new Double()), pool).threads());
        }
        Graph m = model(new Double());
        Dataset train = Bars.make(64, 1);
        History h = new Trainer(m, TrainOptions.builder().epochs(2).batchSize(16).optimizer(new Adam(0.01)).seed(1).build()).fit(train);
        assertEquals(2, h.epochs().size());
        assertTrue(h.epochs().get(1).trainLoss() < h.epochs().get(0).trainLoss(), "the loss falls: " + h.epochs());
        assertEquals(64, Evaluator.evaluate(m, train).samples());
    }
}
