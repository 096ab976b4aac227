package org.striate.lab;

import java.util.function.IntUnaryOperator;
import java.util.function.LongFunction;
import org.striate.data.Augmentation;
import org.striate.data.Dataset;
import org.striate.nn.Graph;
import org.striate.train.Adam;
import org.striate.train.TrainOptions;
import org.striate.train.Trainer;

/**
 * How a lab experiment trains a model on the images it is given. The experiments compare models, so
 * every model of one comparison goes through the same training; which one (a fixed number of epochs, or
 * {@link FairTraining}'s validation split, early stopping and rate search) is the experiment's choice.
 */
public interface LabTraining {

    /** A trained model, the epochs it was trained for and at what rate, and its figures on the data it saw. */
    record Fit(Graph model, int epochs, double learningRate, double trainAccuracy, double validationAccuracy) {}

    /** Builds the model from {@code factory} (weights from {@code seed}) and trains it on {@code data}. */
    Fit train(LongFunction<Graph> factory, Dataset data, long seed);

    /** One line for the output: "Adam 0.001, 3 epochs" or the like. */
    String describe();

    /** No training: the model as the factory gives it (a trained model file). */
    static LabTraining none() {
        return new LabTraining() {
            @Override
            public Fit train(LongFunction<Graph> factory, Dataset data, long seed) { return new Fit(factory.apply(seed), 0, Double.NaN, Double.NaN, Double.NaN); }

            @Override
            public String describe() { return "used as loaded"; }
        };
    }

    /** Adam at {@code learningRate} for {@code epochsFor(n)} epochs on n images, no validation; augmentation may be null. */
    static LabTraining fixed(IntUnaryOperator epochsFor, int batchSize, double learningRate, Augmentation augmentation, String description) {
        return new LabTraining() {
            @Override
            public Fit train(LongFunction<Graph> factory, Dataset data, long seed) {
                Graph model = factory.apply(seed);
                int epochs = epochsFor.applyAsInt(data.size());
                TrainOptions to = TrainOptions.builder().epochs(epochs).batchSize(Math.min(batchSize, data.size()))
                        .optimizer(new Adam(learningRate)).seed(seed).augmentation(augmentation).build();
                double trainAcc = new Trainer(model, to).fit(data).last().trainAccuracy();
                return new Fit(model, epochs, learningRate, trainAcc, Double.NaN);
            }

            @Override
            public String describe() { return description; }
        };
    }
}
