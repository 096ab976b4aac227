package org.striate.cli.report;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.striate.StriateException;
import org.striate.cli.DataLocation;
import org.striate.cli.ModelSource;
import org.striate.data.Dataset;
import org.striate.data.TrainTestSplit;
import org.striate.data.Normalization;
import org.striate.io.ModelFile;
import org.striate.lab.Equivariance;
import org.striate.lab.Equivariance.Padding;
import org.striate.nn.Graph;
import org.striate.nn.Zoo;
import org.striate.tensor.Tensor;

/** What the lab commands and the report share: resolving --model, reading --data, preparing probe inputs. */
public final class ModelAndData {
    private ModelAndData() {}

    /** The input of the lab models and of Fashion-MNIST. */
    public static final int[] IMAGE = {1, 28, 28};

    /** A built-in model (weights from {@code seed}), a trained model file, or a spec file. */
    public static Graph model(String ref, long seed) throws IOException { return model(ref, seed, IMAGE, 10); }

    /**
     * A model for the images and classes of {@code data}: a built-in model is built for both, a spec
     * file or model file is taken as it is.
     */
    public static Graph model(String ref, long seed, Dataset data) throws IOException {
        return model(ref, seed, data.sampleShape(), data.classes());
    }

    private static Graph model(String ref, long seed, int[] image, int classes) throws IOException {
        if (Zoo.has(ref)) return Zoo.build(ref, image, classes, seed);
        return ModelSource.load(ref, null, seed);
    }

    /** True for a model file (by its magic bytes): trained weights, nothing to train. */
    public static boolean isModelFile(String ref) throws IOException {
        return !Zoo.has(ref) && ModelFile.isModelFile(Path.of(ref));
    }

    /** The train and test sets of --data (default: the Fashion-MNIST package). */
    public static TrainTestSplit data(Path dir) throws IOException { return DataLocation.load(dir, IMAGE); }

    /** "zero", "circular" or "both". */
    public static List<Padding> paddings(String option) {
        return switch (option.toLowerCase()) {
            case "zero" -> List.of(Padding.ZERO_MARGIN);
            case "circular" -> List.of(Padding.CIRCULAR);
            case "both" -> List.of(Padding.ZERO_MARGIN, Padding.CIRCULAR);
            default -> throw new StriateException("Invalid value for option '--padding'. Expected zero, circular or both. Received '" + option + "'.");
        };
    }

    /** {@code n} probe inputs: uniform random, or the first test images, normalised as the model expects. */
    public static Tensor probeInputs(Graph model, String kind, int n, Path dataDir, long seed) throws IOException {
        if (n <= 0) throw new StriateException("Invalid value for option '--samples'. Expected a strictly positive value. Received " + n + ".");
        switch (kind.toLowerCase()) {
            case "random":
                return Equivariance.randomInputs(model, n, seed);
            case "test":
                Tensor images = DataLocation.load(dataDir, model.inputShape()).test().head(n).images();
                return normalised(model, images);
            default:
                throw new StriateException("Invalid value for option '--inputs'. Expected random or test. Received '" + kind + "'.");
        }
    }

    /** (x − mean[c]) / std[c] per channel, a copy, as the model sees images in [0, 1]. */
    public static Tensor normalised(Graph model, Tensor images01) {
        Tensor x = images01.copy();
        Normalization.applyInPlace(x, model.mean(), model.std());
        return x;
    }
}
