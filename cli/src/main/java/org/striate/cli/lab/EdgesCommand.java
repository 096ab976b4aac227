package org.striate.cli.lab;

import java.nio.file.Path;
import java.util.List;
import org.striate.StriateException;
import org.striate.cli.ExitCode;
import org.striate.cli.StriateCommand;
import org.striate.lab.EdgeFilters;
import org.striate.lab.Framed;
import org.striate.lab.JsonText;
import org.striate.lab.MapImages;
import org.striate.tensor.Tensor;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Applies the hand-made edge filters of the seed notes to an image and writes each feature map. */
@Command(name = "edges", mixinStandardHelpOptions = true,
        description = {"Apply hand-made edge filters to an image and write each feature map as a PNG.",
                "The filters run through a Conv2d: vertical [[-1,0,1]x3], horizontal [[-1,-1,-1],[0,0,0],[1,1,1]], sobel-x, sobel-y.",
                "Maps are min-max normalised to 0-255 for viewing; --json gives every value."},
        footer = {"", "Examples:", "  striate lab edges shirt.png --out runs/edges",
                "  striate lab edges shirt.png --out runs/edges --filters vertical,horizontal --same --zoom 4 --json"})
public final class EdgesCommand extends StriateCommand {

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A PNG, JPEG, GIF or BMP file; read as grey (luma).")
    Path image;

    @Option(names = "--out", defaultValue = "lab/edges", paramLabel = "DIR", description = "Folder for input.png and edges-FILTER.png (default: ${DEFAULT-VALUE}).")
    Path out;

    @Option(names = "--filters", paramLabel = "NAMES", description = "Comma-separated subset of vertical, horizontal, sobel-x, sobel-y (default: all).")
    String filters;

    @Option(names = "--same", description = "Zero 'same' padding: maps keep the image size (and show a false edge at bright borders).")
    boolean same;

    @Option(names = "--zoom", defaultValue = "1", paramLabel = "N", description = "Draw each pixel as an NxN square (default: ${DEFAULT-VALUE}).")
    int zoom;

    @Option(names = "--json", description = "Print one JSON object with every map's values instead of the text report.")
    boolean json;

    @Override
    protected int run() {
        org.striate.io.AtomicFile.checkDirectory(out, "--out");
        if (zoom < 1 || zoom > 64) throw new StriateException("Invalid value for option '--zoom'. Expected 1 to 64. Received " + zoom + ".");
        Tensor grey = MapImages.read(image, 1);
        int h = grey.dim(2), w = grey.dim(3);
        List<EdgeFilters.FeatureMap> maps = EdgeFilters.apply(grey, EdgeFilters.byNames(filters), same);
        Path input = out.resolve("input.png");
        MapImages.writePng(Framed.of(MapImages.image(new MapImages.Plane(grey.data, 0, h, w), MapImages.Scale.MIN_MAX, zoom),
                "input: " + image.getFileName() + ", " + h + "x" + w + " grey", Framed.Scale.perTileRange("image")), input);
        List<Path> files = EdgeFilters.writePngs(maps, out, zoom);
        if (json) {
            out().println(new JsonText().open().field("image", image.toString()).field("height", h).field("width", w)
                    .field("padding", same ? "same" : "valid").field("input_png", input.toString())
                    .raw("maps", EdgeFilters.json(maps, files, true)).close());
        } else {
            EdgeFilters.FeatureMap first = maps.get(0);
            out().printf("image %s: %dx%d grey -> %d maps of %dx%d (3x3 filters, %s padding)%n", image, h, w, maps.size(),
                    first.h(), first.w(), same ? "'same' zero" : "no");
            for (int i = 0; i < maps.size(); i++) {
                EdgeFilters.FeatureMap m = maps.get(i);
                float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
                double abs = 0;
                for (float v : m.values()) { min = Math.min(min, v); max = Math.max(max, v); abs += Math.abs(v); }
                out().printf("  %-10s %-28s  min %8.3f  max %8.3f  mean|v| %7.4f  %s%n", m.filter().name(), kernel(m.filter()),
                        min, max, abs / m.values().length, files.get(i));
            }
            out().println("  input      " + input);
        }
        out().flush();
        return ExitCode.OK;
    }

    static String kernel(EdgeFilters.Filter f) {
        StringBuilder b = new StringBuilder("[");
        for (float[] row : f.kernel()) {
            b.append(b.length() == 1 ? "[" : ",[");
            for (int c = 0; c < row.length; c++) b.append(c == 0 ? "" : ",").append((int) row[c]);
            b.append(']');
        }
        return b.append(']').toString();
    }
}
