package org.striate.cli;

import java.io.IOException;
import java.nio.file.Path;
import org.striate.StriateException;
import org.striate.data.Dataset;
import org.striate.data.FashionScenes;
import org.striate.data.SuperResolutionPairs;
import org.striate.data.TrainTestSplit;
import org.striate.tasks.Task;

/**
 * The data of a dense task: fashion-scenes built in memory from a grey labelled set (Fashion-MNIST
 * unless --data names another), training scenes from its training split and test scenes from its test
 * split, always from the same two seeds; or super-resolution pairs of its images.
 */
final class TaskData {
    private TaskData() {}

    /** Seeds of the training and test scenes: fixed, so every run and the PyTorch reference see the same scenes. */
    static final long TRAIN_SEED = 1, TEST_SEED = 2;
    /** The enlargement factor of the super-resolution pairs. */
    static final int FACTOR = 2;

    /** Train and test sets; for scene tasks also the scenes themselves (boxes for detection). */
    record Split(Dataset train, Dataset test, FashionScenes.Scenes trainScenes, FashionScenes.Scenes testScenes) {}

    /** The garment images: --data DIR, or Fashion-MNIST for no --data or '--data scenes'. */
    static TrainTestSplit garments(Path data) throws IOException {
        Path dir = data == null || data.toString().equals("scenes") ? null : data;
        return DataLocation.load(dir, new int[] {1, 28, 28});
    }

    static Split load(Task task, Path data, int scenes, int testScenes) throws IOException {
        if (scenes <= 0 || testScenes <= 0) {
            throw new StriateException("Invalid scene counts " + scenes + " (--scenes) and " + testScenes + " (--test-scenes). Expected positive counts.");
        }
        TrainTestSplit g = garments(data);
        return switch (task) {
            case SEGMENT, DETECT -> {
                FashionScenes.Scenes train = FashionScenes.generate(g.train(), scenes, TRAIN_SEED);
                FashionScenes.Scenes test = FashionScenes.generate(g.test(), testScenes, TEST_SEED);
                yield new Split(train.segmentation(), test.segmentation(), train, test);
            }
            case UPSCALE -> new Split(SuperResolutionPairs.of(g.train(), FACTOR), SuperResolutionPairs.of(g.test(), FACTOR), null, null);
            case CLASSIFY -> throw new IllegalStateException("classification reads its data through DataLocation");
        };
    }
}
