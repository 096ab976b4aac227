package org.striate.lab;

import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;
import org.striate.nn.Layer;
import org.striate.nn.Graph;
import org.striate.tensor.Tensor;

/**
 * The pictures that show a model learning: the filters of its first layer that has some, and the feature maps one
 * image makes in each layer with (C, H, W) output. The live dashboard, the TensorBoard writer and the
 * report draw them the same way.
 */
public final class TrainingPictures {
    private TrainingPictures() {}

    /** One layer's maps for the image. */
    public record Maps(String layerName, String type, int shown, int[] shape, BufferedImage image) {}

    /** Feature maps drawn per layer at most. */
    public static final int MAX_MAPS = 16;

    /** The filters of the first layer that has some ({@link Layer#filters()}, drawn by {@link FilterGrid}), or null when none has. */
    public static BufferedImage firstFilters(Graph model) {
        Layer l = firstWithFilters(model);
        return l == null ? null : FilterGrid.image(l.filters());
    }

    /** The name of the layer {@link #firstFilters} draws, or null. */
    public static String firstFiltersLayer(Graph model) {
        Layer l = firstWithFilters(model);
        return l == null ? null : l.name();
    }

    private static Layer firstWithFilters(Graph model) {
        for (Layer l : model.layers()) if (l.filters() != null) return l;
        return null;
    }

    /**
     * Runs {@code image01} (1, C, H, W) in [0, 1] through the model in eval mode and draws the first
     * {@value #MAX_MAPS} maps of every layer with (C, H, W) output, each map stretched to its own range.
     */
    public static List<Maps> featureMaps(Graph model, Tensor image01) {
        List<Maps> out = new ArrayList<>();
        for (FeatureMaps.Activation a : FeatureMaps.run(model, FeatureMaps.prepare(model, image01))) {
            if (a.shape().length != 3) continue;
            out.add(new Maps(a.layerName(), a.type(), Math.min(MAX_MAPS, a.shape()[0]), a.shape(), grid(a)));
        }
        return out;
    }

    /** Up to {@value #MAX_MAPS} maps of a (C, H, W) activation, eight to a row, about 56 pixels each. */
    public static BufferedImage grid(FeatureMaps.Activation a) {
        int c = Math.min(MAX_MAPS, a.shape()[0]), h = a.shape()[1], w = a.shape()[2];
        List<MapImages.Plane> planes = new ArrayList<>();
        for (int k = 0; k < c; k++) planes.add(new MapImages.Plane(a.values(), k * h * w, h, w));
        return MapImages.grid(planes, Math.min(8, c), MapImages.Scale.MIN_MAX, Math.max(1, 56 / Math.max(h, w)), 1);
    }

    /** The image itself, each channel as grey side by side, three times larger. */
    public static BufferedImage input(Tensor image01) {
        int c = image01.dim(1), h = image01.dim(2), w = image01.dim(3);
        List<MapImages.Plane> planes = new ArrayList<>();
        for (int k = 0; k < c; k++) planes.add(new MapImages.Plane(image01.data, k * h * w, h, w));
        return MapImages.grid(planes, c, MapImages.Scale.MIN_MAX, 3, 1);
    }
}
