package org.striate.cli.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

/** Legends are never cut off: a row under the plot for a few series, a column beside it for many. */
class ChartsTest {

    static Charts.Series series(int n) {
        Charts.Series s = new Charts.Series();
        for (int i = 0; i < n; i++) s.add("maxpool2d_" + i, new double[] {1, 2, 3}, new double[] {i + 1, i + 2, i + 3});
        return s;
    }

    /** The rightmost column of pixels that is not white: where the drawing ends. */
    static int rightmostInk(XYChart c) {
        BufferedImage img = BitmapEncoder.getBufferedImage(c);
        for (int x = img.getWidth() - 1; x >= 0; x--) {
            for (int y = 0; y < img.getHeight(); y++) if ((img.getRGB(x, y) & 0xFFFFFF) != 0xFFFFFF) return x;
        }
        return -1;
    }

    @Test
    void manySeriesGetALegendColumnThatFitsTheChart() {
        XYChart few = Charts.lines("t", "x", "y", series(2), false, false);
        assertEquals(Styler.LegendPosition.OutsideS, few.getStyler().getLegendPosition());
        XYChart many = Charts.lines("t", "x", "y", series(12), false, true);
        assertEquals(Styler.LegendPosition.OutsideE, many.getStyler().getLegendPosition());
        assertEquals(Styler.LegendLayout.Vertical, many.getStyler().getLegendLayout());
        assertTrue(many.getHeight() >= 60 + 22 * 12, "tall enough for twelve names: " + many.getHeight());
        // a row of twelve names is wider than the chart and runs into its right edge; the column ends inside it
        XYChart row = Charts.lines("t", "x", "y", series(12), false, true);
        row.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        row.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
        assertTrue(rightmostInk(row) >= row.getWidth() - 2, "the control: a clipped row reaches the edge");
        assertTrue(rightmostInk(many) < many.getWidth() - 2, "the column stays inside: " + rightmostInk(many) + " of " + many.getWidth());
    }
}
