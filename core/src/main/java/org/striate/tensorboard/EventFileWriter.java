package org.striate.tensorboard;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;
import org.striate.StriateException;
import org.striate.lab.MapImages;

/**
 * Writes a TensorBoard event file ({@code events.out.tfevents.SECONDS.HOST}) in pure Java: a sequence of
 * TFRecords (length, masked CRC-32C of the length, an {@code Event} message, masked CRC-32C of it), each
 * Event holding a Summary with one scalar, histogram or PNG image. TensorBoard reads the folder with
 * {@code tensorboard --logdir DIR}.
 *
 * <pre>{@code
 * try (EventFileWriter tb = EventFileWriter.create(Path.of("runs/first"))) {
 *     tb.scalar("loss", 1, 0.42);
 * }
 * }</pre>
 */
public final class EventFileWriter implements AutoCloseable {
    /** Buckets of every histogram: equal widths between the smallest and the largest value. */
    public static final int BUCKETS = 30;

    private final Path file;
    private final OutputStream out;

    private EventFileWriter(Path file, OutputStream out) {
        this.file = file;
        this.out = out;
    }

    /** A new event file in {@code dir} (created), starting with the file-version event. */
    public static EventFileWriter create(Path dir) {
        try {
            Files.createDirectories(dir);
            String host;
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
            long now = System.currentTimeMillis();
            Path file = dir.resolve("events.out.tfevents." + now / 1000 + "." + host.replaceAll("[^A-Za-z0-9._-]", "_"));
            for (int i = 1; Files.exists(file); i++) file = dir.resolve("events.out.tfevents." + now / 1000 + "." + host + "." + i);
            EventFileWriter w = new EventFileWriter(file, new BufferedOutputStream(Files.newOutputStream(file)));
            w.record(new Protobuf().fixed64(1, now / 1000.0).string(3, "brain.Event:2"));
            w.flush();
            return w;
        } catch (IOException e) {
            throw new StriateException("Cannot write TensorBoard files in " + dir + ": " + e.getMessage() + ". Expected a writable folder.", e);
        }
    }

    public Path file() { return file; }

    public void scalar(String tag, long step, double value) {
        summary(step, new Protobuf().string(1, tag).fixed32(2, (float) value));
    }

    /** A histogram of {@code values[from, to)}: count, sum, sum of squares, min, max and {@link #BUCKETS} equal buckets. */
    public void histogram(String tag, long step, float[] values, int from, int to) {
        int n = to - from;
        if (n <= 0) return;
        double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY, sum = 0, squares = 0;
        for (int i = from; i < to; i++) {
            double v = values[i];
            min = Math.min(min, v);
            max = Math.max(max, v);
            sum += v;
            squares += v * v;
        }
        double[] limits = new double[BUCKETS], counts = new double[BUCKETS];
        double width = (max - min) / BUCKETS;
        for (int b = 0; b < BUCKETS; b++) limits[b] = b == BUCKETS - 1 ? max : min + width * (b + 1);
        for (int i = from; i < to; i++) {
            int b = width > 0 ? (int) ((values[i] - min) / width) : 0;
            counts[Math.min(BUCKETS - 1, Math.max(0, b))]++;
        }
        Protobuf histo = new Protobuf().fixed64(1, min).fixed64(2, max).fixed64(3, n).fixed64(4, sum).fixed64(5, squares)
                .packedDoubles(6, limits).packedDoubles(7, counts);
        summary(step, new Protobuf().string(1, tag).message(5, histo));
    }

    /** A picture, stored as PNG; grey images have one channel, others three. */
    public void image(String tag, long step, BufferedImage img) {
        int channels = img.getType() == BufferedImage.TYPE_BYTE_GRAY ? 1 : 3;
        Protobuf image = new Protobuf().varint(1, img.getHeight()).varint(2, img.getWidth()).varint(3, channels)
                .bytes(4, MapImages.png(img));
        summary(step, new Protobuf().string(1, tag).message(4, image));
    }

    private void summary(long step, Protobuf value) {
        Protobuf summary = new Protobuf().message(1, value);
        record(new Protobuf().fixed64(1, System.currentTimeMillis() / 1000.0).varint(2, step).message(5, summary));
    }

    /** One TFRecord: uint64 length, masked CRC of it, the data, masked CRC of the data (all little-endian). */
    private void record(Protobuf event) {
        byte[] data = event.toByteArray();
        byte[] length = new byte[8];
        for (int i = 0; i < 8; i++) length[i] = (byte) ((long) data.length >>> (8 * i));
        try {
            out.write(length);
            writeInt(maskedCrc(length));
            out.write(data);
            writeInt(maskedCrc(data));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeInt(int v) throws IOException {
        for (int i = 0; i < 4; i++) out.write((v >>> (8 * i)) & 0xFF);
    }

    /** TensorFlow's masked CRC-32C: rotate right by 15 bits and add a constant. */
    static int maskedCrc(byte[] b) {
        CRC32C crc = new CRC32C();
        crc.update(b);
        int c = (int) crc.getValue();
        return ((c >>> 15) | (c << 17)) + 0xa282ead8;
    }

    public void flush() {
        try {
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
