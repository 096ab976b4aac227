/**
 * Training: losses, optimizers, learning-rate schedules, and the fit loop.
 *
 * <pre>{@code
 * Graph model = Sequential.builder(1, 28, 28)
 *         .add(new Conv2d(8, 3).padding(Conv2d.SAME)).add(new ReLU()).add(new MaxPool2d(2))
 *         .add(new Flatten()).add(new Dense(10))
 *         .build(42)
 *         .normalization(new float[] {0.286f}, new float[] {0.353f});
 * History history = new Trainer(model, TrainOptions.builder()
 *         .epochs(5).batchSize(64)
 *         .optimizer(new Sgd(0.05).momentum(0.9).nesterov(true).weightDecay(5e-4))
 *         .schedule(LearningRateSchedule.warmup(1, LearningRateSchedule.cosine(5, 1e-4)))
 *         .validation(test).seed(7).build()).fit(train);
 * Evaluation result = Evaluator.evaluate(model, test);      // accuracy, loss, confusion matrix
 * Tensor probabilities = Evaluator.predict(model, images);  // softmax of the outputs, (N, K)
 * }</pre>
 *
 * <p>Data sets hold images in [0, 1]; the model's per-channel normalisation is applied batch by batch
 * by {@link org.striate.train.BatchLoader}. Everything seeded: the model's seed fixes the initial
 * weights, the options' seed fixes the batch order, so with single-threaded kernels a run repeats bit
 * for bit. A NaN or infinite loss stops with {@link org.striate.train.TrainingDivergedException}.
 */
package org.striate.train;
