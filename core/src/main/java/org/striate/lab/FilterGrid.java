package org.striate.lab;

import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.striate.kernels.ConvGeometry;
import org.striate.nn.Filters;
import org.striate.nn.Layer;
import org.striate.nn.Graph;

/**
 * The learned filters of every layer with filters (convolutions) of a model as one picture per layer: a tile per (filter, input
 * channel), mid grey for 0, lighter for positive and darker for negative weights (each tile scaled by
 * its own largest magnitude). First-layer filters of a trained network look like the hand-made edge
 * detectors: a light side next to a dark side.
 */
public final class FilterGrid {
    private FilterGrid() {}

    /**
     * What was drawn for one layer: {@code rows × columns} tiles of {@code kH × kW} weights; {@code weights}
     * holds the drawn values, (filters, channelsPerFilter, kH, kW) row-major, tile by tile as in the picture.
     */
    public record Drawn(int layerIndex, String layerName, int filters, int channelsPerFilter, int kH, int kW,
                        int rows, int columns, int width, int height, Path png, float[] weights) {}

    /** The tiles of one conv layer; filters with one input channel are laid out in a near-square grid. */
    public static BufferedImage image(Filters f) { return image(f, f.geometry().outC(), f.geometry().inPerGroup()); }

    /**
     * The first {@code maxFilters} filters, each with its first {@code maxChannels} input channels: a deep
     * layer's hundreds of tiles are noise to the eye, a corner of them still shows their size and texture.
     */
    public static BufferedImage image(Filters f, int maxFilters, int maxChannels) {
        ConvGeometry g = f.geometry();
        int cg = g.inPerGroup(), per = g.kH() * g.kW();
        int filters = Math.min(maxFilters, g.outC()), channels = Math.min(maxChannels, cg);
        List<MapImages.Plane> tiles = new ArrayList<>();
        for (int o = 0; o < filters; o++) {
            for (int c = 0; c < channels; c++) tiles.add(new MapImages.Plane(f.params(), f.weightOffset() + (o * cg + c) * per, g.kH(), g.kW()));
        }
        return MapImages.grid(tiles, cg == 1 ? MapImages.squareColumns(filters) : channels, MapImages.Scale.SYMMETRIC, zoom(g), 2);
    }

    /** "conv2d_2: 16 filters of 6x5x5 (a row per filter, a column per input channel)" */
    public static String title(String layer, Filters f) {
        ConvGeometry g = f.geometry();
        return layer + ": " + g.outC() + " filters of " + g.inPerGroup() + "x" + g.kH() + "x" + g.kW()
                + (g.inPerGroup() == 1 ? "" : " (a row per filter, a column per input channel)");
    }

    static int columns(ConvGeometry g) { return g.inPerGroup() == 1 ? MapImages.squareColumns(g.outC()) : g.inPerGroup(); }

    /** Tiles of about 24 pixels whatever the kernel size. */
    static int zoom(ConvGeometry g) { return Math.max(1, 24 / Math.max(g.kH(), g.kW())); }

    /** Writes DIR/filters-INDEX-NAME.png for every layer of the model that has filters ({@link Layer#filters()}). */
    public static List<Drawn> write(Graph model, Path dir) {
        List<Drawn> drawn = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layer(i);
            Filters f = layer.filters();
            if (f == null) continue;
            ConvGeometry g = f.geometry();
            BufferedImage img = Framed.of(image(f), title(layer.name(), f), Framed.Scale.signedPerTile());
            Path file = dir.resolve(String.format("filters-%02d-%s.png", i, layer.name()));
            MapImages.writePng(img, file);
            int cols = columns(g), tiles = g.outC() * g.inPerGroup();
            drawn.add(new Drawn(i, layer.name(), g.outC(), g.inPerGroup(), g.kH(), g.kW(), (tiles + cols - 1) / cols, cols,
                    img.getWidth(), img.getHeight(), file, java.util.Arrays.copyOfRange(f.params(), f.weightOffset(),
                            f.weightOffset() + g.outC() * g.inPerGroup() * g.kH() * g.kW())));
        }
        return drawn;
    }

    public static String json(List<Drawn> drawn) {
        List<String> items = new ArrayList<>();
        for (Drawn d : drawn) {
            items.add(new JsonText().open().field("index", d.layerIndex()).field("layer", d.layerName())
                    .field("filters", d.filters()).field("channels_per_filter", d.channelsPerFilter())
                    .field("kernel", new int[] {d.kH(), d.kW()}).field("grid", new int[] {d.rows(), d.columns()})
                    .field("size", new int[] {d.width(), d.height()}).field("png", d.png().toString())
                    .field("weights", d.weights()).close().toString());
        }
        return JsonText.array(items);
    }
}
