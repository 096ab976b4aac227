package org.striate.tasks;

import java.util.ArrayList;
import java.util.List;
import org.striate.data.Box;
import org.striate.data.Dataset;
import org.striate.data.FashionScenes;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;
import org.striate.train.Evaluator;

/** Detection on fashion-scenes with a grid detector: the training set and the figures. */
public final class Detection {
    /** Boxes scored below this are not kept for mAP (as COCO's evaluations of YOLO keep low scores). */
    public static final float MAP_MIN_SCORE = 0.01f;

    private Detection() {}

    public record Result(double map50, double map5095, double[] ap50, int images) {}

    /** The scenes' images with their boxes encoded as target grids of shape {@code grid} (5 + K, S, S). */
    public static Dataset dataset(FashionScenes.Scenes scenes, int[] grid) {
        String[] names = scenes.garmentNames();
        int h = scenes.images().dim(2), w = scenes.images().dim(3);
        GridDetector.checkGrid(grid, names.length, h, w);
        Tensor targets = new Tensor(Shapes.withBatch(scenes.size(), grid));
        int per = Shapes.size(grid);
        for (int i = 0; i < scenes.size(); i++) GridDetector.encode(scenes.boxes().get(i), names.length, h, w, grid[1], grid[2], targets.data, i * per);
        return Dataset.dense(scenes.images(), targets, names);
    }

    /** The boxes {@code model} finds in each image (N, C, H, W) in [0, 1], scored at least {@code minScore}, after NMS. */
    public static List<List<Box>> detect(Graph model, Tensor images, float minScore) {
        int[] grid = model.outputShape(), in = model.inputShape();
        int classes = grid[0] - GridDetector.BOX_CHANNELS;
        GridDetector.checkGrid(grid, classes, in[1], in[2]);
        Tensor out = Evaluator.outputs(model, images, Evaluator.DEFAULT_BATCH);
        int per = Shapes.size(grid);
        List<List<Box>> found = new ArrayList<>(images.batch());
        for (int i = 0; i < images.batch(); i++) found.add(GridDetector.decode(out.data, i * per, classes, in[1], in[2], grid[1], grid[2], minScore));
        return found;
    }

    /** mAP@0.5, mAP@[.5:.95] and AP@0.5 per class of {@code model} on the scenes. */
    public static Result evaluate(Graph model, FashionScenes.Scenes scenes) {
        List<List<Box>> found = detect(model, scenes.images(), MAP_MIN_SCORE);
        int classes = scenes.garmentNames().length;
        double[] ap = new double[classes];
        for (int c = 0; c < classes; c++) ap[c] = AveragePrecision.classAp(found, scenes.boxes(), c, 0.5);
        return new Result(AveragePrecision.map(found, scenes.boxes(), classes, 0.5), AveragePrecision.mapCoco(found, scenes.boxes(), classes), ap, scenes.size());
    }
}
