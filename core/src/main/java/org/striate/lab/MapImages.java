package org.striate.lab;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.striate.StriateException;
import org.striate.tensor.Tensor;

/**
 * Images in and out of the lab, with javax.imageio: an image file read as a (1, C, H, W) tensor of
 * values in [0, 1], and float planes (feature maps, filters) written as 8-bit grey PNG files,
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

    /** Reads a PNG, JPEG, GIF or BMP as (1, channels, H, W) in [0, 1]; channels 1 (luminance) or 3 (RGB). */
    public static Tensor read(Path file, int channels) {
        if (channels != 1 && channels != 3) {
            throw new StriateException("Invalid channel count " + channels + ". Expected 1 (grey) or 3 (RGB).");
        }
        BufferedImage img;
        try {
            img = ImageIO.read(file.toFile());
        } catch (IOException e) {
            throw new StriateException("Cannot read image " + file + ": " + e.getMessage() + ". Expected a PNG, JPEG, GIF or BMP file.", e);
        }
        if (img == null) throw new StriateException("Cannot read image " + file + ". Expected a PNG, JPEG, GIF or BMP file.");
        int h = img.getHeight(), w = img.getWidth();
        Tensor t = new Tensor(1, channels, h, w);
        for (int r = 0; r < h; r++) {
            for (int c = 0; c < w; c++) {
                int rgb = img.getRGB(c, r);
                float red = ((rgb >> 16) & 255) / 255f, green = ((rgb >> 8) & 255) / 255f, blue = (rgb & 255) / 255f;
                if (channels == 1) {
                    t.data[r * w + c] = 0.299f * red + 0.587f * green + 0.114f * blue; // ITU-R BT.601 luma
                } else {
                    t.data[r * w + c] = red;
                    t.data[(h + r) * w + c] = green;
                    t.data[(2 * h + r) * w + c] = blue;
                }
            }
        }
        return t;
    }

    /** Bilinear resize of (1, C, H, W) to (1, C, h, w), so any picture can go into a model's input. */
    public static Tensor resize(Tensor x, int h, int w) {
        int ch = x.dim(1), inH = x.dim(2), inW = x.dim(3);
        if (inH == h && inW == w) return x;
        Tensor y = new Tensor(1, ch, h, w);
        for (int c = 0; c < ch; c++) {
            for (int r = 0; r < h; r++) {
                double sy = Math.max(0, Math.min(inH - 1, (r + 0.5) * inH / h - 0.5));
                int y0 = (int) sy, y1 = Math.min(inH - 1, y0 + 1);
                double fy = sy - y0;
                for (int col = 0; col < w; col++) {
                    double sx = Math.max(0, Math.min(inW - 1, (col + 0.5) * inW / w - 0.5));
                    int x0 = (int) sx, x1 = Math.min(inW - 1, x0 + 1);
                    double fx = sx - x0;
                    int base = c * inH * inW;
                    double top = x.data[base + y0 * inW + x0] * (1 - fx) + x.data[base + y0 * inW + x1] * fx;
                    double bottom = x.data[base + y1 * inW + x0] * (1 - fx) + x.data[base + y1 * inW + x1] * fx;
                    y.data[(c * h + r) * w + col] = (float) (top * (1 - fy) + bottom * fy);
                }
            }
        }
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
