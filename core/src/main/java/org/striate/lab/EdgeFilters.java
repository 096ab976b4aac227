package org.striate.lab;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.striate.StriateException;
import org.striate.nn.Conv2d;
import org.striate.nn.Graph;
import org.striate.nn.Sequential;
import org.striate.tensor.Tensor;

/**
 * The hand-made filters of the seed notes, applied to a grey image through an ordinary {@link Conv2d}
 * (cross-correlation, no bias). A vertical edge detector responds where brightness changes from left
 * to right; a horizontal one where it changes from top to bottom; Sobel weighs the centre row or
 * column twice, which smooths across the edge.
 */
public final class EdgeFilters {
    private EdgeFilters() {}

    /** A named 3×3 kernel, row by row. */
    public record Filter(String name, float[][] kernel) {}

    public static final Filter VERTICAL = new Filter("vertical", new float[][] {{-1, 0, 1}, {-1, 0, 1}, {-1, 0, 1}});
    public static final Filter HORIZONTAL = new Filter("horizontal", new float[][] {{-1, -1, -1}, {0, 0, 0}, {1, 1, 1}});
    public static final Filter SOBEL_X = new Filter("sobel-x", new float[][] {{-1, 0, 1}, {-2, 0, 2}, {-1, 0, 1}});
    public static final Filter SOBEL_Y = new Filter("sobel-y", new float[][] {{-1, -2, -1}, {0, 0, 0}, {1, 2, 1}});

    public static List<Filter> all() { return List.of(VERTICAL, HORIZONTAL, SOBEL_X, SOBEL_Y); }

    /** One filter's response: an h×w feature map. */
    public record FeatureMap(Filter filter, int h, int w, float[] values) {
        public MapImages.Plane plane() { return new MapImages.Plane(values, 0, h, w); }
        public float get(int r, int c) { return values[r * w + c]; }
    }

    /** A conv layer holding {@code filters} as its weights, for a grey image (1, h, w). */
    public static Graph model(List<Filter> filters, int h, int w, boolean samePadding) {
        if (filters.isEmpty()) throw new StriateException("No filters given. Expected at least one of " + names() + ".");
        Conv2d conv = new Conv2d(filters.size(), 3).bias(false);
        if (samePadding) conv.padding(Conv2d.SAME);
        Graph m = Sequential.builder(1, h, w).add(conv.named("edges")).build(0);
        float[] p = m.params();
        for (int f = 0; f < filters.size(); f++) {
            float[][] k = filters.get(f).kernel();
            for (int r = 0; r < 3; r++) System.arraycopy(k[r], 0, p, f * 9 + r * 3, 3);
        }
        return m;
    }

    /** Applies the filters to a grey image (1, 1, H, W); without 'same' padding the maps are (H − 2)×(W − 2). */
    public static List<FeatureMap> apply(Tensor grey, List<Filter> filters, boolean samePadding) {
        if (grey.rank() != 4 || grey.dim(0) != 1 || grey.dim(1) != 1) {
            throw new StriateException("Invalid image tensor of shape " + org.striate.tensor.Shapes.str(grey.shape()) + ". Expected (1, 1, H, W), one grey image.");
        }
        Graph m = model(filters, grey.dim(2), grey.dim(3), samePadding);
        Tensor y = m.forward(grey, false);
        int h = y.dim(2), w = y.dim(3);
        List<FeatureMap> maps = new ArrayList<>();
        for (int f = 0; f < filters.size(); f++) {
            float[] v = new float[h * w];
            System.arraycopy(y.data, f * h * w, v, 0, h * w);
            maps.add(new FeatureMap(filters.get(f), h, w, v));
        }
        return maps;
    }

    /**
     * Writes each map as DIR/edges-NAME.png (min–max normalised, {@code zoom} times larger) and returns
     * the files, in the order of the maps.
     */
    public static List<Path> writePngs(List<FeatureMap> maps, Path dir, int zoom) {
        List<Path> files = new ArrayList<>();
        for (FeatureMap m : maps) {
            Path file = dir.resolve("edges-" + m.filter().name() + ".png");
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (float v : m.values()) { min = Math.min(min, v); max = Math.max(max, v); }
            MapImages.writePng(Framed.of(MapImages.image(m.plane(), MapImages.Scale.MIN_MAX, zoom),
                    m.filter().name() + " edge filter: " + m.h() + "x" + m.w() + " map", Framed.Scale.range(min, max, "filter response")), file);
            files.add(file);
        }
        return files;
    }

    /** The maps as JSON: per filter its kernel, size, range, the files written and, if asked, every value. */
    public static String json(List<FeatureMap> maps, List<Path> files, boolean values) {
        List<String> items = new ArrayList<>();
        for (int i = 0; i < maps.size(); i++) {
            FeatureMap m = maps.get(i);
            float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
            for (float v : m.values()) { min = Math.min(min, v); max = Math.max(max, v); }
            float[] kernel = new float[9];
            for (int r = 0; r < 3; r++) System.arraycopy(m.filter().kernel()[r], 0, kernel, r * 3, 3);
            JsonText j = new JsonText().open().field("filter", m.filter().name()).field("kernel", kernel)
                    .field("height", m.h()).field("width", m.w()).field("min", min).field("max", max);
            if (files != null && i < files.size()) j.field("png", files.get(i).toString());
            if (values) j.field("values", m.values());
            items.add(j.close().toString());
        }
        return JsonText.array(items);
    }

    /** Filters by name ("vertical,sobel-x"); all four when {@code names} is blank. */
    public static List<Filter> byNames(String names) {
        if (names == null || names.isBlank()) return all();
        List<Filter> out = new ArrayList<>();
        for (String n : names.split(",")) {
            Filter f = all().stream().filter(x -> x.name().equalsIgnoreCase(n.trim())).findFirst()
                    .orElseThrow(() -> new StriateException("Unknown filter '" + n.trim() + "'. Expected one of " + names() + "."));
            out.add(f);
        }
        return out;
    }

    static String names() { return String.join(", ", all().stream().map(Filter::name).toList()); }
}
