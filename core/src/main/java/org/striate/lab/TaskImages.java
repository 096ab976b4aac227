package org.striate.lab;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.List;
import org.striate.data.Box;

/**
 * Pictures of dense predictions: class maps in a fixed palette (class 0, background, is black),
 * overlays of a class map on its grey image, boxes with their labels, and grey images whose values
 * are read as absolute levels in [0, 1] (not stretched, unlike {@link MapImages}). Written with
 * {@link MapImages#writePng}.
 */
public final class TaskImages {
    private TaskImages() {}

    /** Background black, then clearly different hues (Glasbey-like) for classes 1.. (repeating after 16). */
    private static final int[] PALETTE = {
        0x000000, 0xE6194B, 0x3CB44B, 0xFFE119, 0x4363D8, 0xF58231, 0x911EB4, 0x46F0F0, 0xF032E6, 0xBCF60C,
        0xFABEBE, 0x008080, 0xE6BEFF, 0x9A6324, 0xFFFAC8, 0x800000};

    /** The colour of class c as 0xRRGGBB. */
    public static int colour(int c) { return c == 0 ? 0 : PALETTE[1 + (c - 1) % (PALETTE.length - 1)]; }

    /**
     * A class map as an indexed PNG image: each pixel's value is its class index (at most 255), shown in
     * the palette, the way segmentation sets such as PASCAL VOC store masks.
     */
    public static BufferedImage indexedMask(int[] classes, int h, int w) {
        byte[] r = new byte[256], g = new byte[256], b = new byte[256];
        for (int c = 0; c < 256; c++) { int rgb = colour(c); r[c] = (byte) (rgb >> 16); g[c] = (byte) (rgb >> 8); b[c] = (byte) rgb; }
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(8, 256, r, g, b));
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, Math.min(255, classes[y * w + x]));
        return img;
    }

    /** A class map in colour, each cell drawn zoom×zoom. */
    public static BufferedImage mask(int[] classes, int h, int w, int zoom) {
        BufferedImage img = new BufferedImage(w * zoom, h * zoom, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * zoom; y++) for (int x = 0; x < w * zoom; x++) img.setRGB(x, y, colour(classes[(y / zoom) * w + x / zoom]));
        return img;
    }

    /** The grey image with each non-background pixel tinted half-way towards its class colour. */
    public static BufferedImage overlay(float[] grey, int off, int[] classes, int h, int w, int zoom) {
        BufferedImage img = grey(grey, off, h, w, zoom);
        for (int y = 0; y < h * zoom; y++) {
            for (int x = 0; x < w * zoom; x++) {
                int c = classes[(y / zoom) * w + x / zoom];
                if (c == 0) continue;
                int base = img.getRGB(x, y), tint = colour(c), mixed = 0;
                for (int shift = 0; shift <= 16; shift += 8) mixed |= ((((base >> shift) & 0xFF) + ((tint >> shift) & 0xFF)) / 2) << shift;
                img.setRGB(x, y, mixed);
            }
        }
        return img;
    }

    /** An image plane of values in [0, 1] (clipped) as grey levels, each pixel drawn zoom×zoom, in RGB so colour can go on it. */
    public static BufferedImage grey(float[] plane, int off, int h, int w, int zoom) {
        BufferedImage img = new BufferedImage(w * zoom, h * zoom, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h * zoom; y++) {
            for (int x = 0; x < w * zoom; x++) {
                int v = Math.round(Math.max(0f, Math.min(1f, plane[off + (y / zoom) * w + x / zoom])) * 255);
                img.setRGB(x, y, v << 16 | v << 8 | v);
            }
        }
        return img;
    }

    /** The grey image with each box outlined in its class colour and labelled "name score". */
    public static BufferedImage boxes(float[] plane, int off, int h, int w, int zoom, List<Box> boxes, String[] names) {
        BufferedImage img = grey(plane, off, h, w, zoom);
        Graphics2D g = img.createGraphics();
        g.setStroke(new BasicStroke(Math.max(1, zoom / 2f)));
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, Math.max(9, 3 * zoom)));
        for (Box b : boxes) {
            g.setColor(new Color(colour(b.cls() + 1)));
            int x = Math.round(b.x0() * zoom), y = Math.round(b.y0() * zoom);
            g.drawRect(x, y, Math.round(b.width() * zoom) - 1, Math.round(b.height() * zoom) - 1);
            String label = (b.cls() < names.length ? names[b.cls()] : Integer.toString(b.cls())) + String.format(java.util.Locale.ROOT, " %.2f", b.score());
            g.drawString(label, x + 2, Math.max(g.getFontMetrics().getAscent(), y - 2));
        }
        g.dispose();
        return img;
    }
}
