package org.striate.lab;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import org.striate.StriateException;
import org.striate.data.ImageReader;
import org.striate.data.Resize;
import org.striate.tensor.Tensor;

/**
 * Images in and out of the lab: an image file read at its own size as a (1, C, H, W) tensor of
 * values in [0, 1] (decoding by {@link ImageReader}), and float planes (feature maps, filters) written as 8-bit grey PNG files,
 * alone or tiled in a grid.
 */
public final class MapImages {
    private MapImages() {}

    /** How a float plane becomes 0–255 grey. */
    public enum Scale {
        /** min → 0, max → 255: the usual view of a feature map. A constant plane is black. */
        MIN_MAX,
        /** 0 → mid grey, ±max|v| → 0 and 255: keeps the sign visible, for filters. */
        SYMMETRIC
    }

    /** A plane of h×w floats starting at {@code offset} in {@code data}. */
    public record Plane(float[] data, int offset, int h, int w) {
        public float get(int r, int c) { return data[offset + r * w + c]; }
    }

    /**
     * Reads an image file at its own size as (1, channels, H, W) in [0, 1]: channels 1 (luma) or 3
     * (RGB), through {@link ImageReader}.
     */
    public static Tensor read(Path file, int channels) {
        int[] hw = size(file);
        return Tensor.of(ImageReader.read(file, channels, hw[0], hw[1], Resize.BILINEAR), 1, channels, hw[0], hw[1]);
    }

    /** Height and width of an image file, from its header. */
    static int[] size(Path file) {
        try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<javax.imageio.ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw new StriateException("Cannot read image " + file + ". Expected an existing PNG, JPEG, GIF or BMP file.");
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getHeight(0), reader.getWidth(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException e) {
            throw new StriateException("Cannot read image " + file + ": " + e.getMessage() + ". Expected an existing PNG, JPEG, GIF or BMP file.", e);
        }
    }

    /** Bilinear resize of (1, C, H, W) to (1, C, h, w), so any picture can go into a model's input. */
    public static Tensor resize(Tensor x, int h, int w) {
        int ch = x.dim(1), inH = x.dim(2), inW = x.dim(3);
        if (inH == h && inW == w) return x;
        Tensor y = new Tensor(1, ch, h, w);
        for (int c = 0; c < ch; c++) Resize.BILINEAR.apply(x.data, c * inH * inW, inH, inW, y.data, c * h * w, h, w);
        return y;
    }

    /** The 0–255 grey level of every cell of {@code p}. */
    public static int[] grey(Plane p, Scale scale) {
        float min = Float.POSITIVE_INFINITY, max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < p.h() * p.w(); i++) {
            float v = p.data()[p.offset() + i];
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float absMax = Math.max(Math.abs(min), Math.abs(max));
        int[] g = new int[p.h() * p.w()];
        for (int i = 0; i < g.length; i++) {
            float v = p.data()[p.offset() + i];
            double level = switch (scale) {
                case MIN_MAX -> max > min ? (v - min) / (max - min) * 255 : 0;
                case SYMMETRIC -> absMax > 0 ? 127.5 + 127.5 * v / absMax : 127.5;
            };
            g[i] = (int) Math.round(Math.max(0, Math.min(255, level)));
        }
        return g;
    }

    /** One plane as a grey image, each cell drawn as a {@code zoom}×{@code zoom} square. */
    public static BufferedImage image(Plane p, Scale scale, int zoom) {
        return grid(List.of(p), 1, scale, zoom, 0);
    }

    /**
     * Planes tiled left to right, {@code columns} per row, each normalised on its own and drawn
     * {@code zoom} times larger, separated by {@code gap} pixels of white.
     */
    public static BufferedImage grid(List<Plane> planes, int columns, Scale scale, int zoom, int gap) {
        if (planes.isEmpty()) throw new StriateException("Nothing to draw: expected at least one plane.");
        int th = 0, tw = 0;
        for (Plane p : planes) { th = Math.max(th, p.h() * zoom); tw = Math.max(tw, p.w() * zoom); }
        int rows = (planes.size() + columns - 1) / columns;
        int width = columns * tw + (columns - 1) * gap, height = rows * th + (rows - 1) * gap;
        BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        int[] white = new int[width * height];
        java.util.Arrays.fill(white, 255);
        img.getRaster().setPixels(0, 0, width, height, white);
        for (int k = 0; k < planes.size(); k++) {
            Plane p = planes.get(k);
            int[] g = grey(p, scale);
            int x0 = (k % columns) * (tw + gap), y0 = (k / columns) * (th + gap);
            for (int r = 0; r < p.h() * zoom; r++) {
                for (int c = 0; c < p.w() * zoom; c++) img.getRaster().setSample(x0 + c, y0 + r, 0, g[(r / zoom) * p.w() + c / zoom]);
            }
        }
        return img;
    }

    /** Columns for a near-square grid of n tiles. */
    public static int squareColumns(int n) { return (int) Math.ceil(Math.sqrt(n)); }

    /** The PNG bytes of an image (to inline or send rather than write). */
    public static byte[] png(BufferedImage img) {
        try {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer");
            return out.toByteArray();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Writes a PNG, creating the folder if needed. */
    public static void writePng(BufferedImage img, Path file) {
        try {
            if (file.getParent() != null) Files.createDirectories(file.getParent());
            if (!ImageIO.write(img, "png", file.toFile())) throw new IOException("no PNG writer");
        } catch (IOException e) {
            throw new StriateException("Cannot write " + file + ": " + e.getMessage() + ". Expected a writable folder.", e);
        }
    }
}
