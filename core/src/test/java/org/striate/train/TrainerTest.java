package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.kernels.KernelProvider;
import org.striate.kernels.Kernels;
import org.striate.kernels.ScalarKernels;
import org.striate.nn.Conv2d;
import org.striate.kernels.SimdKernels;
import org.striate.nn.Dense;
import org.striate.nn.Dropout;
import org.striate.nn.Flatten;
import org.striate.nn.MaxPool2d;
import org.striate.nn.ReLU;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;

class TrainerTest {
    private static final Dataset TRAIN = Bars.make(256, 1);
    private static final Dataset TEST = Bars.make(200, 2);
    private static String previousKind;
    private static int previousThreads;

    /** Single-threaded reference kernels for this class; swapping closes the previous kernels' pool. */
    @BeforeAll
    static void singleThreadedReferenceKernels() {
        Kernels before = Kernels.get();
        previousKind = before instanceof ScalarKernels ? "scalar" : "auto";
        previousThreads = before instanceof SimdKernels simd ? simd.threads() : Runtime.getRuntime().availableProcessors();
        KernelProvider.use(new ScalarKernels());
    }

    /** A fresh set of the kind that was in use (the old one's pool is closed). */
    @AfterAll
    static void restoreKernels() { KernelProvider.configure(previousKind, previousThreads); }

    /** Conv → ReLU → MaxPool → Flatten → Dense. */
    static Graph smallCnn(long seed) {
        return Sequential.builder(1, Bars.SIZE, Bars.SIZE)
                .add(new Conv2d(4, 3).padding(Conv2d.SAME)).add(new ReLU()).add(new MaxPool2d(2))
                .add(new Flatten()).add(new Dense(2))
                .build(seed)
                .normalization(new float[] {0.3f}, new float[] {0.35f});
    }

    /** The same with dropout, whose masks come from the model's seed too. */
    static Graph smallCnnWithDropout(long seed) {
        return Sequential.builder(1, Bars.SIZE, Bars.SIZE)
                .add(new Conv2d(4, 3).padding(Conv2d.SAME)).add(new ReLU()).add(new MaxPool2d(2))
                .add(new Flatten()).add(new Dropout(0.25f)).add(new Dense(2))
                .build(seed)
                .normalization(new float[] {0.3f}, new float[] {0.35f});
    }

    static TrainOptions.Builder options(long seed) {
        return TrainOptions.builder().epochs(8).batchSize(16).optimizer(new Adam(0.01)).seed(seed);
    }

    @Test
    void smallCnnLearnsBarsToFullAccuracy() {
        Graph model = smallCnn(3);
        assertTrue(Evaluator.evaluate(model, TEST).accuracy() < 0.9, "the untrained model must not already solve the task");
        History h = new Trainer(model, options(11).epochs(15).validation(TEST).build()).fit(TRAIN);
        assertEquals(15, h.size());
        Evaluation e = Evaluator.evaluate(model, TEST);
        assertEquals(1.0, e.accuracy(), "held-out accuracy after 240 steps; history " + h.epochs());
        assertEquals(1.0, h.last().validationAccuracy());
        assertEquals(e.loss(), h.last().validationLoss(), 1e-12);
        assertTrue(h.last().trainLoss() < h.epoch(0).trainLoss() / 4, "loss fell: " + Arrays.toString(h.trainLoss()));
    }

    @Test
    void sameSeedGivesBitIdenticalWeights() {
        Graph a = smallCnn(3), b = smallCnn(3), c = smallCnn(4);
        assertArrayEquals(a.params(), b.params(), "same initialisation seed");
        assertFalse(Arrays.equals(a.params(), c.params()), "other initialisation seed");
        new Trainer(a, options(11).epochs(3).build()).fit(TRAIN);
        new Trainer(b, options(11).epochs(3).build()).fit(TRAIN);
        assertTrue(Arrays.equals(a.params(), b.params()), "same seeds, same trained weights");
        Graph otherShuffle = smallCnn(3);
        new Trainer(otherShuffle, options(12).epochs(3).build()).fit(TRAIN);
        assertFalse(Arrays.equals(a.params(), otherShuffle.params()), "another shuffling seed");
        new Trainer(c, options(11).epochs(3).build()).fit(TRAIN);
        assertFalse(Arrays.equals(a.params(), c.params()), "another initialisation seed");
    }

    @Test
    void dropoutMasksFollowTheModelSeed() {
        Graph a = smallCnnWithDropout(3), b = smallCnnWithDropout(3), c = smallCnnWithDropout(4);
        new Trainer(a, options(11).epochs(2).build()).fit(TRAIN);
        new Trainer(b, options(11).epochs(2).build()).fit(TRAIN);
        new Trainer(c, options(11).epochs(2).build()).fit(TRAIN);
        assertArrayEquals(a.params(), b.params());
        assertFalse(Arrays.equals(a.params(), c.params()));
    }

    @Test
    void augmentationChangesTrainingAndFollowsTheSeed() {
        Augmentation aug = new Augmentation(1, true);
        Graph plain = smallCnn(3), a = smallCnn(3), b = smallCnn(3), c = smallCnn(3);
        new Trainer(plain, options(11).epochs(2).build()).fit(TRAIN);
        new Trainer(a, options(11).epochs(2).augmentation(aug).build()).fit(TRAIN);
        new Trainer(b, options(11).epochs(2).augmentation(aug).build()).fit(TRAIN);
        new Trainer(c, options(12).epochs(2).augmentation(aug).build()).fit(TRAIN);
        assertArrayEquals(a.params(), b.params(), "same seed, same augmented batches");
        assertFalse(Arrays.equals(a.params(), plain.params()), "augmentation reached the batches");
        assertFalse(Arrays.equals(a.params(), c.params()), "another seed, other shifts and flips");
        // bars stay bars when shifted or mirrored: the task is still learned
        Graph d = smallCnn(3);
        new Trainer(d, options(11).epochs(15).augmentation(Augmentation.parse("shift=1,flip")).build()).fit(TRAIN);
        assertTrue(Evaluator.evaluate(d, TEST).accuracy() >= 0.98, "accuracy " + Evaluator.evaluate(d, TEST).accuracy());
    }

    @Test
    void multiThreadedSimdKernelsRepeatBitForBitToo() {
        assumeTrue(KernelProvider.simdUnavailableReason() == null, "SIMD kernels not available here");
        try {
            KernelProvider.use(KernelProvider.simd(2));
            Graph a = smallCnn(3), b = smallCnn(3);
            new Trainer(a, options(11).epochs(3).build()).fit(TRAIN);
            new Trainer(b, options(11).epochs(3).build()).fit(TRAIN);
            assertArrayEquals(a.params(), b.params());
        } finally {
            KernelProvider.use(new ScalarKernels());
        }
    }

    @Test
    void normalisationIsAppliedToEveryBatch() {
        // training on raw images with (m, s) must equal training on (x − m)/s with the identity normalisation
        float m = 0.3f, s = 0.35f;
        Dataset pre = Bars.make(256, 1);
        for (int i = 0; i < pre.images().size(); i++) pre.images().data[i] = (pre.images().data[i] - m) / s;
        Graph raw = smallCnn(5), normalised = smallCnn(5).normalization(new float[] {0f}, new float[] {1f});
        new Trainer(raw, options(1).epochs(1).build()).fit(TRAIN);
        new Trainer(normalised, options(1).epochs(1).build()).fit(pre);
        assertArrayEquals(raw.params(), normalised.params());
    }

    @Test
    void listenerHearsEveryBatchAndEpoch() {
        List<String> events = new ArrayList<>();
        double[] lastRate = new double[1];
        TrainingListener l = new TrainingListener() {
            @Override
            public void onTrainBegin(int epochs, int stepsPerEpoch, int samples) { events.add("begin " + epochs + " " + stepsPerEpoch + " " + samples); }

            @Override
            public void onBatch(int epoch, int step, int steps, double loss, double accuracy, double imagesPerSecond) {
                assertTrue(loss > 0 && accuracy >= 0 && accuracy <= 1 && imagesPerSecond > 0);
                events.add(epoch + "." + step + "/" + steps);
            }

            @Override
            public void onEpoch(EpochStats stats) { events.add("epoch " + stats.epoch()); lastRate[0] = stats.learningRate(); }
        };
        // 40 samples in batches of 16: 16, 16, 8
        History h = new Trainer(smallCnn(1), options(1).epochs(2).listener(l)
                .schedule(LearningRateSchedule.step(1, 0.5)).build()).fit(TRAIN.head(40));
        assertEquals(List.of("begin 2 3 40", "1.1/3", "1.2/3", "1.3/3", "epoch 1", "2.1/3", "2.2/3", "2.3/3", "epoch 2"), events);
        assertEquals(0.005, lastRate[0], 1e-15);
        assertFalse(h.last().hasValidation());
        assertTrue(h.last().seconds() > 0);
    }

    @Test
    void fitAllocatesNothingPerStepBeyondTheModelItself() {
        Dataset data = Bars.make(250, 6); // 16 steps of 16, the last one of 10
        Graph model = smallCnn(3);
        new Trainer(model, options(1).epochs(3).build()).fit(data); // compiled, buffers made
        long twoEpochs = Allocations.measure(() -> new Trainer(model, options(1).epochs(2).build()).fit(data));
        long twelveEpochs = Allocations.measure(() -> new Trainer(model, options(1).epochs(12).build()).fit(data));
        double perStep = (twelveEpochs - twoEpochs) / (10.0 * 16);
        // what the layers allocate on their own (tensor views) for the same forward and backward
        Tensor x = new Tensor(16, 1, Bars.SIZE, Bars.SIZE), dy = new Tensor(16, 2);
        Runnable step = () -> { model.zeroGrad(); model.forward(x, true); model.backward(dy); };
        for (int i = 0; i < 500; i++) step.run();
        double layers = Allocations.measure(() -> { for (int i = 0; i < 1000; i++) step.run(); }) / 1000.0;
        // one batch of inputs alone would be 16·64·4 = 4096 bytes
        assertTrue(perStep - layers < 256, "fit allocates " + perStep + " bytes per step, the layers alone " + layers);
    }

    @Test
    void hugeLearningRateStopsWithTypedException() {
        Graph model = smallCnn(3);
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(model, options(1).optimizer(new Sgd(1e30)).build()).fit(TRAIN));
        assertTrue(e.getMessage().contains("lower learning rate") && e.getMessage().contains("epoch " + e.epoch()), e.getMessage());
        assertTrue(e.step() >= 1 && e.step() <= 8, "step " + e.step());
    }

    @Test
    void nanInTheInputStopsAtItsBatch() {
        Dataset data = Bars.make(32, 9);
        data.images().data[5] = Float.NaN;
        TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
                () -> new Trainer(smallCnn(3), options(1).batchSize(32).build()).fit(data));
        assertEquals(1, e.epoch());
        assertEquals(1, e.step());
        assertTrue(e.getMessage().contains("NaN"), e.getMessage());
    }
}
