package org.striate.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageFolderTest {
    @TempDir Path dir;

    /** An RGB image whose pixel (x, y) is (10x, 20y, 7) — exact in PNG. */
    static BufferedImage rgb(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.setRGB(x, y, (10 * x) << 16 | (20 * y) << 8 | 7);
        return img;
    }

    /** A grayscale image whose pixel (x, y) is 30x + y. */
    static BufferedImage gray(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_BYTE_GRAY);
        for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) img.getRaster().setSample(x, y, 0, 30 * x + y);
        return img;
    }

    static Path write(BufferedImage img, Path file, String format) throws IOException {
        Files.createDirectories(file.getParent());
        assertTrue(ImageIO.write(img, format, file.toFile()), "no writer for " + format);
        return file;
    }

    @Test
    void grayPngIsReadFromTheRasterWithoutGamma() throws IOException {
        Path f = write(gray(4, 3), dir.resolve("g.png"), "png");
        float[] x = ImageReader.read(f, 1, 3, 4, Resize.BILINEAR);
        for (int y = 0; y < 3; y++) for (int c = 0; c < 4; c++) assertEquals((30 * c + y) / 255f, x[y * 4 + c]);
        float[] three = ImageReader.read(f, 3, 3, 4, Resize.AREA);
        for (int c = 0; c < 3; c++) for (int i = 0; i < 12; i++) assertEquals(x[i], three[c * 12 + i]);
    }

    @Test
    void sixteenBitGrayPngUsesItsFullRange() throws IOException {
        BufferedImage img = new BufferedImage(3, 1, BufferedImage.TYPE_USHORT_GRAY);
        int[] v = {0, 1000, 65535};
        for (int x = 0; x < 3; x++) img.getRaster().setSample(x, 0, 0, v[x]);
        Path f = write(img, dir.resolve("g16.png"), "png");
        float[] out = ImageReader.read(f, 1, 1, 3, Resize.AREA);
        for (int x = 0; x < 3; x++) assertEquals(v[x] / 65535f, out[x], 1e-7f);
    }

    @Test
    void palettePngIsReadThroughItsColours() throws IOException {
        BufferedImage img = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_INDEXED);
        img.setRGB(0, 0, 0xFF0000);
        img.setRGB(1, 0, 0x0000FF);
        Path f = write(img, dir.resolve("p.png"), "png");
        float[] out = ImageReader.read(f, 3, 1, 2, Resize.BILINEAR);
        assertArrayEquals(new float[] {1, 0, 0, 0, 0, 1}, out);
    }

    @Test
    void rgbPngGivesChannelPlanesAndLumaForGrayscale() throws IOException {
        Path f = write(rgb(5, 2), dir.resolve("c.png"), "png");
        float[] x = ImageReader.read(f, 3, 2, 5, Resize.BILINEAR);
        assertEquals(40 / 255f, x[0 * 10 + 1 * 5 + 4]);
        assertEquals(20 / 255f, x[1 * 10 + 1 * 5 + 4]);
        assertEquals(7 / 255f, x[2 * 10 + 1 * 5 + 4]);
        float[] g = ImageReader.read(f, 1, 2, 5, Resize.BILINEAR);
        assertEquals((0.299f * 40 + 0.587f * 20 + 0.114f * 7) / 255f, g[1 * 5 + 4], 1e-6f);
    }

    @Test
    void loadsOneSubfolderPerClassInSortedOrder() throws IOException {
        write(rgb(8, 8), dir.resolve("zebra/a.png"), "png");
        write(gray(8, 8), dir.resolve("ant/b.PNG"), "png");
        write(rgb(16, 12), dir.resolve("ant/a.jpg"), "jpg");
        Files.writeString(dir.resolve("ant/notes.txt"), "not an image, skipped");
        Files.createDirectories(dir.resolve(".cache"));
        Dataset d = ImageFolder.load(dir, 3, 4, 4, Resize.AREA);
        assertArrayEquals(new String[] {"ant", "zebra"}, d.classNames());
        assertArrayEquals(new int[] {0, 0, 1}, d.labels());
        assertArrayEquals(new int[] {3, 4, 4}, d.sampleShape());
        // zebra/a.png shrunk 2x by area averaging: pixel (0,0) red is the mean of red at x = 0, 1 → 5
        assertEquals(5 / 255f, d.images().get(2, 0, 0, 0), 1e-6f);
        // blue is 7 everywhere, whatever the resize
        assertEquals(7 / 255f, d.images().get(2, 2, 3, 3), 1e-6f);
        // the JPEG is lossy: its resized red channel increases left to right
        assertTrue(d.images().get(0, 0, 2, 3) > d.images().get(0, 0, 2, 0));
    }

    @Test
    void unreadableImageIsNamed() throws IOException {
        write(rgb(4, 4), dir.resolve("cat/ok.png"), "png");
        Path bad = dir.resolve("cat/broken.png");
        Files.write(bad, new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0, 0, 13, 'I', 'H', 'D', 'R', 1, 2});
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.load(dir, 1, 4, 4, Resize.BILINEAR));
        assertTrue(e.getMessage().contains(bad + " cannot be read as an image"), e.getMessage());
        Path text = dir.resolve("dog/readme.jpg");
        Files.createDirectories(text.getParent());
        Files.writeString(text, "hello");
        DataFormatException t = assertThrows(DataFormatException.class, () -> ImageReader.read(text, 1, 4, 4, Resize.AREA));
        assertTrue(t.getMessage().contains(text.toString()), t.getMessage());
    }

    @Test
    void bytesReadLikeTheFileTheyCameFrom() throws IOException {
        Path png = write(rgb(13, 9), dir.resolve("a.png"), "png"), jpg = write(rgb(40, 30), dir.resolve("b.jpg"), "jpg");
        for (Path f : new Path[] {png, jpg}) {
            for (int c : new int[] {1, 3}) {
                float[] fromFile = ImageReader.read(f, c, 7, 11, Resize.AREA), fromBytes = new float[c * 7 * 11];
                ImageReader.read(Files.readAllBytes(f), f.toString(), c, 7, 11, Resize.AREA, fromBytes, 0);
                assertArrayEquals(fromFile, fromBytes, f + " with " + c + " channel(s)");
            }
        }
        byte[] whole = Files.readAllBytes(png), cut = java.util.Arrays.copyOf(whole, whole.length / 2);
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageReader.read(cut, "s3://b/cat/cut.png", 1, 4, 4, Resize.AREA, new float[16], 0));
        assertTrue(e.getMessage().startsWith("s3://b/cat/cut.png cannot be read as an image"), e.getMessage());
        assertThrows(DataFormatException.class, () -> ImageReader.read("hello".getBytes(), "x.png", 1, 4, 4, Resize.AREA, new float[16], 0));
    }

    @Test
    void folderProblemsAreTyped() throws IOException {
        assertThrows(DataFormatException.class, () -> ImageFolder.load(dir.resolve("absent"), 1, 4, 4, Resize.AREA));
        assertThrows(DataFormatException.class, () -> ImageFolder.load(dir, 1, 4, 4, Resize.AREA));
        Files.createDirectories(dir.resolve("empty"));
        DataFormatException e = assertThrows(DataFormatException.class, () -> ImageFolder.load(dir, 1, 4, 4, Resize.AREA));
        assertTrue(e.getMessage().contains("holds no images"), e.getMessage());
        write(rgb(4, 4), dir.resolve("x.png"), "png");
        assertThrows(DataFormatException.class, () -> ImageReader.read(dir.resolve("x.png"), 2, 4, 4, Resize.AREA));
    }
}
