package org.striate.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.striate.StriateException;
import org.striate.nn.Layer;
import org.striate.data.Normalization;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;
import org.striate.tensor.Tensor;

/**
 * Every layer's activations for one input image: a grid of its feature maps per layer. Early layers
 * respond to edges and blobs at the pixel level; deeper maps are smaller, each cell with a larger
 * receptive field, and respond to combinations of them — the hierarchy from edges to parts.
 */
public final class FeatureMaps {
    private FeatureMaps() {}

    /** One layer's output for the image, copied; {@code png} is null when nothing was drawn. */
    public record Activation(int layerIndex, String layerName, String type, int[] shape, float[] values, Path png) {
        public float min() { float m = Float.POSITIVE_INFINITY; for (float v : values) m = Math.min(m, v); return m; }
        public float max() { float m = Float.NEGATIVE_INFINITY; for (float v : values) m = Math.max(m, v); return m; }
        public double mean() { double s = 0; for (float v : values) s += v; return s / values.length; }
        /** Fraction of exact zeros: how sparse ReLU made the layer. */
        public double zeroFraction() { int z = 0; for (float v : values) if (v == 0f) z++; return (double) z / values.length; }
    }

    /**
     * Prepares an image (1, C, H, W) in [0, 1] for the model: resized to its input H×W, then normalised
     * with the model's per-channel mean and std.
     */
    public static Tensor prepare(Graph model, Tensor image) {
        int[] in = model.inputShape();
        if (in.length != 3 || in[0] != image.dim(1)) {
            throw new StriateException("The model expects input " + Shapes.str(in) + " but the image has " + image.dim(1)
                    + " channel(s). Expected a (C, H, W) model with the image's channel count.");
        }
        Tensor x = MapImages.resize(image, in[1], in[2]).copy();
        Normalization.applyInPlace(x, model.mean(), model.std());
        return x;
    }

    /** Runs {@code x} (1, ...input) through the model node by node, keeping a copy of each output. */
    public static List<Activation> run(Graph model, Tensor x) {
        List<Activation> out = new ArrayList<>();
        Tensor[] all = model.activations(x);
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layer(i);
            Tensor y = all[i + 1];
            out.add(new Activation(i, layer.name(), layer.type(), y.sampleShape(), y.data, null));
        }
        return out;
    }

    /**
     * Writes DIR/maps-INDEX-NAME.png for every layer with (C, H, W) output (its C maps in a grid, each
     * min–max normalised) and for short flat outputs (up to 512 values, as one strip).
     */
    public static List<Activation> write(List<Activation> acts, Path dir) {
        List<Activation> written = new ArrayList<>();
        for (Activation a : acts) {
            List<MapImages.Plane> planes = new ArrayList<>();
            int zoom, columns;
            String title;
            if (a.shape().length == 3) {
                title = a.layerName() + " (" + a.type() + "): " + Shapes.compact(a.shape()) + ", a map per channel";
                int c = a.shape()[0], h = a.shape()[1], w = a.shape()[2];
                for (int k = 0; k < c; k++) planes.add(new MapImages.Plane(a.values(), k * h * w, h, w));
                zoom = Math.max(1, 56 / Math.max(h, w));
                columns = MapImages.squareColumns(c);
            } else if (a.values().length <= 512) {
                planes.add(new MapImages.Plane(a.values(), 0, 1, a.values().length));
                zoom = Math.max(2, Math.min(24, 512 / a.values().length));
                title = a.layerName() + " (" + a.type() + "): " + a.values().length + " values, left to right";
                columns = 1;
            } else {
                written.add(a);
                continue;
            }
            Path file = dir.resolve(String.format("maps-%02d-%s.png", a.layerIndex(), a.layerName()));
            Framed.Scale scale = planes.size() == 1 ? Framed.Scale.range(a.min(), a.max(), "") : Framed.Scale.perTileRange("map");
            MapImages.writePng(Framed.of(MapImages.grid(planes, columns, MapImages.Scale.MIN_MAX, zoom, 2), title, scale), file);
            written.add(new Activation(a.layerIndex(), a.layerName(), a.type(), a.shape(), a.values(), file));
        }
        return written;
    }

    /** Per layer: shape, range, mean, zero fraction, file; the values themselves for flat outputs up to 100. */
    public static String json(List<Activation> acts) {
        List<String> items = new ArrayList<>();
        for (Activation a : acts) {
            JsonText j = new JsonText().open().field("index", a.layerIndex()).field("layer", a.layerName()).field("type", a.type())
                    .field("shape", a.shape()).field("min", a.min()).field("max", a.max()).field("mean", a.mean())
                    .field("zero_fraction", a.zeroFraction()).field("png", a.png() == null ? null : a.png().toString());
            if (a.shape().length == 1 && a.values().length <= 100) j.field("values", a.values());
            items.add(j.close().toString());
        }
        return JsonText.array(items);
    }
}
