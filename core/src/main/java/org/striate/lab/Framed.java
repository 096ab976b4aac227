package org.striate.lab;

import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.Locale;

/**
 * A lab picture as a file on its own must say what it shows: a title above it and, below it, the
 * grey ramp its pixels were drawn with and what the ends of the ramp mean. The picture itself is
 * copied unchanged, its top-left corner at ({@link #LEFT}, {@link #TOP}).
 */
public final class Framed {
    private Framed() {}

    /** Where the picture starts in the framed image. */
    public static final int LEFT = 8, TOP = 28;
    private static final int RAMP_HEIGHT = 10, MIN_RAMP = 200;
    private static final Font TITLE = new Font(Font.SANS_SERIF, Font.BOLD, 13), LABEL = new Font(Font.SANS_SERIF, Font.PLAIN, 11);

    /**
     * The labels under the ramp: {@code low} at its black end, {@code middle} at mid grey (may be empty),
     * {@code high} at its white end, and a line saying how they were reached (may be empty).
     */
    public record Scale(String low, String middle, String high, String note) {
        /** Min–max stretched values: black at the minimum, white at the maximum. */
        public static Scale range(float min, float max, String note) { return new Scale(number(min), "", number(max), note); }

        /** Each tile or map stretched to its own range. */
        public static Scale perTileRange(String what) { return new Scale("its min", "", "its max", "each " + what + " stretched to its own range"); }

        /** Signed weights around mid grey, each tile scaled by its own largest magnitude. */
        public static Scale signedPerTile() { return new Scale("-max|w|", "0", "+max|w|", "each tile scaled by its own largest |w|"); }

        static String number(float v) { return String.format(Locale.ROOT, "%.3g", v); }
    }

    /** The picture with the title above and the ramp, its labels and note below. */
    public static BufferedImage of(BufferedImage picture, String title, Scale scale) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D p = probe.createGraphics();
        FontMetrics tm = p.getFontMetrics(TITLE), lm = p.getFontMetrics(LABEL);
        int ramp = Math.max(MIN_RAMP, Math.min(picture.getWidth(), 320));
        int contentWidth = Math.max(Math.max(picture.getWidth(), ramp), Math.max(tm.stringWidth(title), lm.stringWidth(scale.note())));
        p.dispose();
        int width = LEFT * 2 + contentWidth;
        int rampTop = TOP + picture.getHeight() + 10;
        int labels = rampTop + RAMP_HEIGHT + lm.getAscent() + 2;
        int height = labels + (scale.note().isEmpty() ? 0 : lm.getHeight()) + lm.getDescent() + 6;
        BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = out.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.BLACK);
        g.setFont(TITLE);
        g.drawString(title, LEFT, 6 + tm.getAscent());
        g.drawImage(picture, LEFT, TOP, null);
        for (int x = 0; x < ramp; x++) {
            int v = (int) Math.round(255.0 * x / (ramp - 1));
            g.setColor(new Color(v, v, v));
            g.drawLine(LEFT + x, rampTop, LEFT + x, rampTop + RAMP_HEIGHT - 1);
        }
        g.setColor(Color.GRAY);
        g.drawRect(LEFT - 1, rampTop - 1, ramp + 1, RAMP_HEIGHT + 1);
        g.setColor(Color.BLACK);
        g.setFont(LABEL);
        g.drawString(scale.low(), LEFT, labels);
        if (!scale.middle().isEmpty()) g.drawString(scale.middle(), LEFT + (ramp - lm.stringWidth(scale.middle())) / 2, labels);
        g.drawString(scale.high(), LEFT + ramp - lm.stringWidth(scale.high()), labels);
        if (!scale.note().isEmpty()) g.drawString(scale.note(), LEFT, labels + lm.getHeight());
        g.dispose();
        return out;
    }
}
