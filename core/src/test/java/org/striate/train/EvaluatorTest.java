package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.nn.Conv2d;
import org.striate.nn.Dense;
import org.striate.nn.Flatten;
import org.striate.nn.MaxPool2d;
import org.striate.nn.ReLU;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Tensor;

class EvaluatorTest {
    private static final Dataset DATA = Bars.make(100, 4);
    private static Graph model;

    /** Half-trained, so that the confusion matrix has errors off the diagonal. */
    @BeforeAll
    static void partlyTrain() {
        model = TrainerTest.smallCnn(3);
        new Trainer(model, TrainerTest.options(1).epochs(2).build()).fit(Bars.make(64, 8));
    }

    @Test
    void confusionMatrixAgreesWithAccuracyAndDoesNotDependOnBatchSize() {
        Evaluation e = Evaluator.evaluate(model, DATA, 7, new SoftmaxCrossEntropy());
        Evaluation whole = Evaluator.evaluate(model, DATA, 1000, new SoftmaxCrossEntropy());
        assertEquals(100, e.samples());
        int[] perClass = new int[2];
        for (int l : DATA.labels()) perClass[l]++;
        assertEquals(perClass[0], e.confusion()[0][0] + e.confusion()[0][1]);
        assertEquals(perClass[1], e.confusion()[1][0] + e.confusion()[1][1]);
        assertEquals((e.confusion()[0][0] + e.confusion()[1][1]) / 100.0, e.accuracy(), 1e-15);
        assertTrue(e.accuracy() > 0.5 && e.accuracy() < 1, "a partly trained model: " + e);
        for (int t = 0; t < 2; t++) assertArrayEquals(whole.confusion()[t], e.confusion()[t]);
        assertEquals(whole.loss(), e.loss(), 1e-6 * whole.loss());
    }

    @Test
    void predictGivesSoftmaxOfNormalisedEvalOutputs() {
        Tensor p = Evaluator.predict(model, DATA.images());
        assertArrayEquals(new int[] {100, 2}, p.shape());
        // by hand: normalise, run the whole set at once, softmax
        Tensor x = DATA.images().copy();
        float m = model.mean()[0], s = model.std()[0];
        for (int i = 0; i < x.size(); i++) x.data[i] = (x.data[i] - m) / s;
        Tensor out = model.forward(x, false);
        int correct = 0;
        for (int i = 0; i < 100; i++) {
            double a = out.data[2 * i], b = out.data[2 * i + 1], mx = Math.max(a, b);
            double pa = Math.exp(a - mx) / (Math.exp(a - mx) + Math.exp(b - mx));
            assertEquals(pa, p.data[2 * i], 1e-6, "sample " + i);
            assertEquals(1.0, p.data[2 * i] + p.data[2 * i + 1], 1e-6);
            if ((p.data[2 * i + 1] > p.data[2 * i] ? 1 : 0) == DATA.labels()[i]) correct++;
        }
        assertEquals(Evaluator.evaluate(model, DATA).accuracy(), correct / 100.0, 1e-15);
        assertArrayEquals(new int[] {0, 2}, Evaluator.predict(model, new Tensor(0, 1, Bars.SIZE, Bars.SIZE)).shape());
    }

    @Test
    void mismatchedModelsAndDataAreRejected() {
        Graph threeClasses = Sequential.builder(1, Bars.SIZE, Bars.SIZE).add(new Flatten()).add(new Dense(3)).build(1);
        StriateException e = assertThrows(StriateException.class, () -> Evaluator.evaluate(threeClasses, DATA));
        assertTrue(e.getMessage().contains("3 values") && e.getMessage().contains("2 classes"), e.getMessage());
        assertThrows(StriateException.class, () -> new Trainer(threeClasses, TrainOptions.builder().build()).fit(DATA));
        Graph wrongInput = Sequential.builder(1, 6, 6).add(new Flatten()).add(new Dense(2)).build(1);
        assertThrows(ShapeException.class, () -> Evaluator.predict(wrongInput, DATA.images()));
        assertThrows(ShapeException.class, () -> new Trainer(model, TrainOptions.builder().validation(
                new Dataset(new Tensor(1, 1, 6, 6), new int[] {0}, DATA.classNames())).build()).fit(DATA));
        assertThrows(StriateException.class, () -> TrainOptions.builder().epochs(0).build());
        assertThrows(StriateException.class, () -> TrainOptions.builder().batchSize(0).build());
    }

    @Test
    void binaryCrossEntropyTrainsOneOutputForTwoClasses() {
        Graph m = Sequential.builder(1, Bars.SIZE, Bars.SIZE)
                .add(new Conv2d(4, 3).padding(Conv2d.SAME)).add(new ReLU())
                .add(new MaxPool2d(2)).add(new Flatten()).add(new Dense(1)).build(3)
                .normalization(new float[] {0.3f}, new float[] {0.35f});
        BinaryCrossEntropyWithLogits bce = new BinaryCrossEntropyWithLogits();
        new Trainer(m, TrainerTest.options(11).epochs(15).loss(bce).build()).fit(Bars.make(256, 1));
        Evaluation e = Evaluator.evaluate(m, Bars.make(200, 2), 64, bce);
        assertTrue(e.accuracy() >= 0.98, e.toString());
    }
}
