package org.striate.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.nn.Graph;

class EarlyStoppingTest {

    static EpochStats epoch(int e, double valLoss, double valAccuracy) {
        return new EpochStats(e, 1.0, 0.5, valLoss, valAccuracy, 1e-3, 1.0);
    }

    /** Feeds the validation losses one epoch at a time and returns the epoch after which it asked to stop (0: never). */
    static int stopsAfter(EarlyStopping stop, double... valLoss) {
        stop.onTrainBegin(valLoss.length, 1, 1);
        for (int i = 0; i < valLoss.length; i++) {
            stop.onEpoch(epoch(i + 1, valLoss[i], 0.5));
            if (stop.stopTraining()) return i + 1;
        }
        return 0;
    }

    @Test
    void stopsAfterPatienceEpochsWithoutImprovement() {
        // best at epoch 3 (0.5); epochs 4 and 5 are worse: patience 2 stops after epoch 5
        EarlyStopping stop = new EarlyStopping(Monitor.VALIDATION_LOSS, 2, 0);
        assertEquals(5, stopsAfter(stop, 0.9, 0.7, 0.5, 0.6, 0.55, 0.4));
        assertEquals(3, stop.bestEpoch());
        assertEquals(0.5, stop.best());
        assertTrue(stop.describe().contains("stopped after epoch 5"), stop.describe());
    }

    @Test
    void anImprovementResetsTheCount() {
        EarlyStopping stop = new EarlyStopping(Monitor.VALIDATION_LOSS, 2, 0);
        // worse, better (resets), worse, better (resets), worse, worse → stop after epoch 7
        assertEquals(7, stopsAfter(stop, 1.0, 1.1, 0.8, 0.9, 0.75, 0.95, 0.9, 0.1));
        assertEquals(5, stop.bestEpoch());
    }

    @Test
    void neverStopsWhileImprovingAndAnEqualValueIsNoImprovement() {
        assertEquals(0, stopsAfter(new EarlyStopping(Monitor.VALIDATION_LOSS, 1, 0), 0.9, 0.8, 0.7, 0.6));
        assertEquals(3, stopsAfter(new EarlyStopping(Monitor.VALIDATION_LOSS, 1, 0), 0.9, 0.8, 0.8));
        // with min_delta 0.05 a gain of 0.01 does not count
        assertEquals(2, stopsAfter(new EarlyStopping(Monitor.VALIDATION_LOSS, 1, 0.05), 0.9, 0.89));
    }

    @Test
    void watchesAccuracyUpwards() {
        EarlyStopping stop = new EarlyStopping(Monitor.VALIDATION_ACCURACY, 1, 0);
        stop.onTrainBegin(3, 1, 1);
        stop.onEpoch(epoch(1, 0.5, 0.80));
        stop.onEpoch(epoch(2, 0.4, 0.85));
        assertFalse(stop.stopTraining());
        stop.onEpoch(epoch(3, 0.3, 0.84));
        assertTrue(stop.stopTraining());
        assertEquals(2, stop.bestEpoch());
    }

    @Test
    void refusesBadArgumentsAndEpochsWithoutValidation() {
        assertThrows(StriateException.class, () -> new EarlyStopping(Monitor.VALIDATION_LOSS, 0, 0));
        assertThrows(StriateException.class, () -> new EarlyStopping(Monitor.VALIDATION_LOSS, 2, -1));
        EarlyStopping stop = new EarlyStopping(Monitor.VALIDATION_LOSS, 2, 0);
        StriateException e = assertThrows(StriateException.class,
                () -> stop.onEpoch(new EpochStats(1, 1, 0.5, Double.NaN, Double.NaN, 1e-3, 1)));
        assertTrue(e.getMessage().contains("--val-split"), e.getMessage());
        assertEquals(Monitor.VALIDATION_ACCURACY, Monitor.parse("accuracy"));
        assertThrows(StriateException.class, () -> Monitor.parse("f1"));
    }

    /** The trainer asks after every epoch and ends the fit there: a real fit with a scripted stop. */
    @Test
    void theTrainerEndsTheFitWhenAListenerAsks() {
        Graph model = TrainerTest.smallCnn(3);
        TrainingListener stopAfterTwo = new TrainingListener() {
            int seen;
            @Override public void onEpoch(EpochStats s) { seen = s.epoch(); }
            @Override public boolean stopTraining() { return seen == 2; }
        };
        History h = new Trainer(model, TrainOptions.builder().epochs(6).batchSize(16).listener(Listeners.of(TrainingListener.NONE, stopAfterTwo)).build())
                .fit(Bars.make(64, 1));
        assertEquals(2, h.size());
        assertArrayEquals(new int[] {1, 2}, h.epochs().stream().mapToInt(EpochStats::epoch).toArray());
    }

    @Test
    void bestWeightsRestoreTheBestEpochsWeights() {
        Graph model = TrainerTest.smallCnn(3);
        BestWeights best = new BestWeights(model, Monitor.VALIDATION_LOSS);
        best.onTrainBegin(4, 1, 1);
        double[] losses = {0.9, 0.4, 0.6, 0.5};
        float[][] seen = new float[losses.length][];
        for (int e = 0; e < losses.length; e++) {
            java.util.Arrays.fill(model.params(), e + 1);        // the weights "after" epoch e + 1
            seen[e] = model.params().clone();
            best.onEpoch(epoch(e + 1, losses[e], 0.5));
        }
        assertEquals(2, best.bestEpoch());
        best.restore();
        assertArrayEquals(seen[1], model.params());
        assertThrows(StriateException.class, () -> new BestWeights(TrainerTest.smallCnn(1), Monitor.VALIDATION_LOSS).restore());
    }
}
