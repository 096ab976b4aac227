package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.data.Splits;
import org.striate.lab.FairTraining.Trial;
import org.striate.nn.Graph;
import org.striate.train.BestWeights;
import org.striate.train.EarlyStopping;
import org.striate.train.EpochStats;
import org.striate.train.Monitor;
import org.striate.train.TrainingListener;

class FairTrainingTest {

    private static Trial trial(double rate, double valLoss, double valAccuracy) {
        return new Trial(rate, 1, 1, valLoss, valAccuracy, 0.9, null);
    }

    @Test
    void theSearchTriesEveryRateAndKeepsTheBestValidationAccuracy() {
        List<Double> tried = new ArrayList<>();
        // scripted outcomes: 0.003 and 0.01 tie on accuracy, 0.01 has the lower loss
        Trial t = FairTraining.search(new double[] {1e-3, 3e-3, 1e-2}, rate -> {
            tried.add(rate);
            return rate == 1e-3 ? trial(rate, 0.50, 0.80) : rate == 3e-3 ? trial(rate, 0.45, 0.85) : trial(rate, 0.40, 0.85);
        });
        assertEquals(List.of(1e-3, 3e-3, 1e-2), tried);
        assertEquals(1e-2, t.rate());
        // a higher accuracy wins over a lower loss; a full tie keeps the first
        assertEquals(1e-3, FairTraining.choose(List.of(trial(1e-3, 0.9, 0.7), trial(3e-3, 0.2, 0.6))).rate());
        assertEquals(1e-3, FairTraining.choose(List.of(trial(1e-3, 0.3, 0.7), trial(3e-3, 0.3, 0.7))).rate());
        assertThrows(StriateException.class, () -> FairTraining.choose(List.of()));
    }

    @Test
    void earlyStoppingOnScriptedLossesKeepsTheBestEpochsWeights() {
        Graph model = PositionTask.build(PositionTask.CNN_GAP, 1);
        EarlyStopping stop = new EarlyStopping(Monitor.VALIDATION_LOSS, 3, 0);
        BestWeights best = new BestWeights(model, Monitor.VALIDATION_LOSS);
        TrainingListener l = FairTraining.stopper(stop, best);
        double[] valLoss = {0.9, 0.6, 0.5, 0.55, 0.52, 0.58, 0.4};
        l.onTrainBegin(valLoss.length, 1, 1);
        int stoppedAfter = 0;
        for (int e = 1; e <= valLoss.length; e++) {
            model.params()[0] = e; // the weights say which epoch they come from
            l.onEpoch(new EpochStats(e, 1, 0.5, valLoss[e - 1], 0.5, 1e-3, 1));
            if (l.stopTraining()) { stoppedAfter = e; break; }
        }
        // best 0.5 at epoch 3; epochs 4, 5 and 6 do not beat it: the fit ends after epoch 6, before the late 0.4
        assertEquals(6, stoppedAfter);
        assertEquals(3, best.bestEpoch());
        best.restore();
        assertEquals(3f, model.params()[0]);
    }

    @Test
    void smallSetsAreRepeatedWholeToFillAnEpoch() {
        Dataset d = PositionData.generate(30, 1);
        Dataset r = FairTraining.repeated(d, 100);
        assertEquals(120, r.size());
        assertArrayEquals(java.util.Arrays.copyOf(r.labels(), 30), d.labels());
        assertArrayEquals(java.util.Arrays.copyOfRange(r.labels(), 90, 120), d.labels());
        assertEquals(d, FairTraining.repeated(d, 30));
    }

    @Test
    void theValidationSplitIsCappedAndClassBalanced() {
        FairTraining f = new FairTraining(new FairTraining.Options(new double[] {1e-3}, 5, 2, 0.2, 10, 0, 16, null));
        var split = f.split(PositionData.generate(400, 2), 3);
        // 10 of 400 is 2.5 per class, rounded class by class to 3
        assertEquals(12, split.test().size(), "about 10 held out");
        for (int c : Splits.classCounts(split.test())) assertEquals(3, c, "every class held out alike");
        assertEquals(388, split.train().size());
    }

    @Test
    void trainsEachRateAndReturnsTheChosenModel() {
        Dataset data = PositionData.generate(80, 4), test = PositionData.generate(80, 5);
        FairTraining f = new FairTraining(new FairTraining.Options(new double[] {3e-3, 1e-2}, 4, 1, 0.25, 100, 200, 16, null));
        LabTraining.Fit fit = f.train(seed -> PositionTask.build(PositionTask.LOCALLY_CONNECTED, seed), data, 7);
        assertTrue(fit.learningRate() == 3e-3 || fit.learningRate() == 1e-2, "rate " + fit.learningRate());
        assertTrue(fit.epochs() >= 1 && fit.epochs() <= 4, "best epoch " + fit.epochs());
        assertTrue(fit.validationAccuracy() >= 0 && fit.validationAccuracy() <= 1);
        assertTrue(org.striate.train.Evaluator.evaluate(fit.model(), test).accuracy() > 0.5, "the locally connected model learns the quadrants");
        assertTrue(f.describe().contains("0.003, 0.01"), f.describe());
    }

    @Test
    void rejectsBadOptions() {
        assertThrows(StriateException.class, () -> FairTraining.Options.defaults().withRates());
        assertThrows(StriateException.class, () -> new FairTraining.Options(new double[] {1e-3}, 0, 1, 0.2, 10, 0, 16, null));
        assertThrows(StriateException.class, () -> new FairTraining.Options(new double[] {1e-3}, 5, 1, 1.0, 10, 0, 16, null));
    }
}
