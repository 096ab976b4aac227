package org.striate.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/** A lab picture carries a title above it and its grey ramp below, and the picture itself unchanged. */
class FramedTest {

    /** The framed image holds {@code raw} pixel for pixel at (LEFT, TOP), and more around it. */
    static void assertHolds(BufferedImage framed, BufferedImage raw) {
        assertTrue(framed.getWidth() >= raw.getWidth() + 2 * Framed.LEFT && framed.getHeight() > raw.getHeight() + Framed.TOP,
                framed.getWidth() + "x" + framed.getHeight() + " around " + raw.getWidth() + "x" + raw.getHeight());
        for (int y = 0; y < raw.getHeight(); y++) {
            for (int x = 0; x < raw.getWidth(); x++) {
                assertEquals(raw.getRaster().getSample(x, y, 0), framed.getRaster().getSample(Framed.LEFT + x, Framed.TOP + y, 0), "pixel " + x + "," + y);
            }
        }
    }

    static int darkPixels(BufferedImage img, int y0, int y1) {
        int n = 0;
        for (int y = y0; y < y1; y++) for (int x = 0; x < img.getWidth(); x++) if (img.getRaster().getSample(x, y, 0) < 128) n++;
        return n;
    }

    @Test
    void titleAboveRampBelowPictureUnchanged() {
        BufferedImage raw = new BufferedImage(30, 20, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < 20; y++) for (int x = 0; x < 30; x++) raw.getRaster().setSample(x, y, 0, (x * 7 + y * 3) % 256);
        BufferedImage framed = Framed.of(raw, "conv2d_1: 6 filters of 1x5x5", Framed.Scale.signedPerTile());
        assertHolds(framed, raw);
        assertTrue(darkPixels(framed, 0, Framed.TOP) > 30, "a title is written above the picture");
        BufferedImage untitled = Framed.of(raw, "", Framed.Scale.signedPerTile());
        assertEquals(0, darkPixels(untitled, 0, Framed.TOP), "and nothing is there without one");
        // the ramp: 10 pixels below the picture, black at its left end, white at its right end, at least 200 wide
        int rampY = Framed.TOP + raw.getHeight() + 10 + 5;
        assertEquals(0, framed.getRaster().getSample(Framed.LEFT, rampY, 0));
        assertEquals(255, framed.getRaster().getSample(Framed.LEFT + 199, rampY, 0));
        assertEquals(128, framed.getRaster().getSample(Framed.LEFT + 100, rampY, 0), 2);
        assertTrue(darkPixels(framed, rampY + 6, framed.getHeight()) > 30, "the ramp's labels and note");
    }
}
