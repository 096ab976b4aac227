package org.striate.data;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Reads one image file (PNG, JPEG, or anything ImageIO knows) into (C, H, W) floats in [0, 1], with
 * the channel count and size the model wants: grayscale to RGB repeats the plane, RGB to grayscale
 * takes the luma 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601); alpha is dropped.
 */
public final class ImageReader {
    /** Larger images are refused before decoding: a tiny file can declare a huge canvas. */
    public static final long MAX_PIXELS = 1L << 26;

    private ImageReader() {}

    /** A new (channels, height, width) array. */
    public static float[] read(Path file, int channels, int height, int width, Resize resize) {
        org.striate.tensor.Memory.require(4L * channels * height * width, "Reading " + file + " at " + channels + "x" + height + "x" + width);
        float[] out = new float[channels * height * width];
        read(file, channels, height, width, resize, out, 0);
        return out;
    }

    /** Writes (channels, height, width) floats into {@code out} from {@code offset}. */
    public static void read(Path file, int channels, int height, int width, Resize resize, float[] out, int offset) {
        check(file, channels, height, width);
        if (!Files.isRegularFile(file)) throw new DataFormatException(file + " does not exist or is not a file. Expected an image file.");
        convert(decode(file, () -> ImageIO.createImageInputStream(file.toFile())), channels, height, width, resize, out, offset);
    }

    /**
     * The same for an image file's bytes read elsewhere (a Spark binary-file row, an archive entry):
     * the same decoder, conversion and resizing, so the floats equal those read from the file;
     * {@code name} (the file's path) is what messages show.
     */
    public static void read(byte[] bytes, String name, int channels, int height, int width, Resize resize, float[] out, int offset) {
        check(name, channels, height, width);
        // a stream over the bytes themselves: ImageIO's own would copy them to a cache file first
        convert(decode(name, () -> new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))), channels, height, width, resize, out, offset);
    }

    private static void check(Object file, int channels, int height, int width) {
        if (channels != 1 && channels != 3) {
            throw new DataFormatException("Invalid channel count " + channels + " for " + file + ". Expected 1 (grayscale) or 3 (RGB).");
        }
        if (height <= 0 || width <= 0) {
            throw new DataFormatException("Invalid image size " + height + "x" + width + " for " + file + ". Expected sizes > 0.");
        }
        org.striate.tensor.Memory.require(4L * channels * height * width, "Resizing " + file + " to " + channels + "x" + height + "x" + width);
    }

    private static void convert(BufferedImage img, int channels, int height, int width, Resize resize, float[] out, int offset) {
        int h = img.getHeight(), w = img.getWidth();
        float[][] planes = planes(img);
        float[] converted = new float[channels * h * w];
        int plane = h * w;
        for (int c = 0; c < channels; c++) {
            if (planes.length == channels) {
                System.arraycopy(planes[c], 0, converted, c * plane, plane);
            } else if (planes.length == 1) {
                System.arraycopy(planes[0], 0, converted, c * plane, plane);
            } else {
                for (int i = 0; i < plane; i++) converted[i] = 0.299f * planes[0][i] + 0.587f * planes[1][i] + 0.114f * planes[2][i];
            }
        }
        for (int c = 0; c < channels; c++) {
            resize.apply(converted, c * plane, h, w, out, offset + c * height * width, height, width);
        }
    }

    /** Where the encoded image comes from: a file or bytes in memory. */
    private interface Source {
        ImageInputStream open() throws IOException;
    }

    private static BufferedImage decode(Object file, Source source) {
        try (ImageInputStream in = source.open()) {
            Iterator<javax.imageio.ImageReader> readers = in == null ? null : ImageIO.getImageReaders(in);
            if (readers == null || !readers.hasNext()) {
                throw unreadable(file, "no image decoder recognises its content", null);
            }
            javax.imageio.ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long pixels = (long) reader.getWidth(0) * reader.getHeight(0);
                if (pixels > MAX_PIXELS || pixels <= 0) {
                    throw unreadable(file, "it declares " + reader.getWidth(0) + "x" + reader.getHeight(0) + " pixels (at most "
                            + MAX_PIXELS + " are read)", null);
                }
                BufferedImage img = reader.read(0);
                if (img == null) throw unreadable(file, "the decoder returned no image", null);
                return img;
            } finally {
                reader.dispose();
            }
        } catch (DataFormatException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            // decoders throw IOExceptions and also IllegalArgument/IndexOutOfBounds on malformed content
            throw unreadable(file, e.toString(), e);
        }
    }

    private static DataFormatException unreadable(Object file, String why, Throwable cause) {
        return new DataFormatException(file + " cannot be read as an image: " + why
                + ". Expected a PNG or JPEG file; replace or remove it.", cause);
    }

    /** One plane for grayscale images (read from the raster: getRGB would apply a gamma curve), three for colour. */
    private static float[][] planes(BufferedImage img) {
        int h = img.getHeight(), w = img.getWidth();
        Raster raster = img.getRaster();
        boolean gray = img.getColorModel().getColorSpace().getType() == ColorSpace.TYPE_GRAY
                && !(img.getColorModel() instanceof IndexColorModel);
        if (gray) {
            float max = (1 << img.getColorModel().getComponentSize(0)) - 1;
            float[] p = new float[h * w];
            for (int y = 0; y < h; y++) {
                for (int x = 0; x < w; x++) p[y * w + x] = raster.getSample(x, y, 0) / max;
            }
            return new float[][] {p};
        }
        float[][] p = new float[3][h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int rgb = img.getRGB(x, y);
                p[0][y * w + x] = ((rgb >> 16) & 0xFF) / 255f;
                p[1][y * w + x] = ((rgb >> 8) & 0xFF) / 255f;
                p[2][y * w + x] = (rgb & 0xFF) / 255f;
            }
        }
        return p;
    }
}
