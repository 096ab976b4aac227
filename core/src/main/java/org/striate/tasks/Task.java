package org.striate.tasks;

import java.util.Locale;
import org.striate.StriateException;
import org.striate.train.Loss;
import org.striate.train.MeanSquaredError;
import org.striate.train.PixelSoftmaxCrossEntropy;
import org.striate.train.SoftmaxCrossEntropy;

/** What a model is trained to do, with its loss and the built-in model it starts from. */
public enum Task {
    /** One class per image (softmax cross-entropy). */
    CLASSIFY("fashion-cnn"),
    /** One class per pixel on fashion-scenes (per-pixel softmax cross-entropy). */
    SEGMENT("unet-small"),
    /** A 2× larger image from a small one (mean squared error against the large image). */
    UPSCALE("sr-small"),
    /** Boxes and classes of the garments on fashion-scenes (the grid detector's loss). */
    DETECT("det-small");

    private final String defaultModel;

    Task(String defaultModel) { this.defaultModel = defaultModel; }

    public String defaultModel() { return defaultModel; }

    /** A fresh loss for this task. */
    public Loss loss() {
        return switch (this) {
            case CLASSIFY -> new SoftmaxCrossEntropy();
            case SEGMENT -> new PixelSoftmaxCrossEntropy();
            case UPSCALE -> new MeanSquaredError();
            case DETECT -> new GridDetectionLoss();
        };
    }

    public String keyword() { return name().toLowerCase(Locale.ROOT); }

    public static Task parse(String s) {
        for (Task t : values()) if (t.keyword().equals(s.toLowerCase(Locale.ROOT))) return t;
        throw new StriateException("Invalid task '" + s + "'. Expected classify, segment, upscale or detect.");
    }
}
