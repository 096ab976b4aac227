package org.striate.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipException;
import org.striate.tensor.Memory;

/**
 * Reads and writes IDX files of unsigned bytes, the format of MNIST and Fashion-MNIST, raw or
 * gzip-compressed (recognised by its magic bytes 1F 8B, whatever the file name says).
 *
 * <p>Layout: a 4-byte magic {@code 00 00 08 D} (08 = unsigned byte, D = number of dimensions), D
 * big-endian 32-bit sizes, then the values in row-major order. Images are magic 2051 (N, H, W),
 * labels magic 2049 (N).
 *
 * <p>Every declared size is checked against the bytes actually present before anything of that size
 * is allocated, so a truncated or corrupt file gives a {@link DataFormatException} naming the file,
 * never an {@code OutOfMemoryError} or an index exception.
 */
public final class IdxFiles {
    public static final int UNSIGNED_BYTE = 0x08;
    public static final int LABELS_MAGIC = 2049;
    public static final int IMAGES_MAGIC = 2051;
    /** The largest payload one Java array can hold. */
    static final long MAX_BYTES = Integer.MAX_VALUE - 8;
    private static final String REMEDY = " Re-download or reinstall the data set.";
    /** The most deflate can compress: 258-byte matches in 2 bits, i.e. about 1032:1. */
    static final long MAX_GZIP_RATIO = 1032;

    private IdxFiles() {}

    /** The dimensions and the values of an IDX file; values are unsigned (read them with {@code & 0xFF}). */
    public record Idx(int[] dims, byte[] values) {
        public int count() { return dims[0]; }
    }

    /** Reads an images file (magic 2051): dims (N, H, W). */
    public static Idx readImages(Path file) throws IOException { return read(file, 3, "images"); }

    /** Reads a labels file (magic 2049): dims (N). */
    public static Idx readLabels(Path file) throws IOException { return read(file, 1, "labels"); }

    /**
     * Reads an IDX file of unsigned bytes with {@code expectedDims} dimensions; {@code noun} names the
     * first dimension in messages ("images").
     */
    public static Idx read(Path file, int expectedDims, String noun) throws IOException {
        long fileSize;
        try {
            fileSize = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new DataFormatException(file + " does not exist. Expected an IDX file of " + noun + "." + REMEDY);
        }
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            raw.mark(2);
            boolean gzip = raw.read() == 0x1F && raw.read() == 0x8B;
            raw.reset();
            InputStream in = gzip ? new GZIPInputStream(raw, 1 << 16) : raw;
            String where = file + (gzip ? " (gzip)" : "");
            int[] dims = readHeader(in, where, expectedDims, noun);
            // saturating product: three dimensions near 2^31 would overflow a long
            long payload = 1;
            for (int d : dims) payload = payload > MAX_BYTES ? payload : payload * d;
            long header = 4L + 4L * dims.length;
            String declared = describe(dims, noun) + " (" + (header + payload) + " bytes)";
            if (payload > MAX_BYTES) {
                throw new DataFormatException(where + " declares " + describe(dims, noun) + ", more than one array can hold."
                        + " The header is corrupt." + REMEDY);
            }
            // deflate cannot compress more than 1032:1, so a gzip file that small cannot hold what the header says
            if (gzip && payload > MAX_GZIP_RATIO * fileSize) {
                throw new DataFormatException(where + " declares " + declared + " but its " + fileSize + " compressed bytes can hold at most "
                        + MAX_GZIP_RATIO * fileSize + ". The header is corrupt." + REMEDY);
            }
            if (!gzip && header + payload != fileSize) {
                String what = header + payload > fileSize ? " is truncated" : " has " + (fileSize - header - payload) + " bytes too many";
                throw new DataFormatException(where + what + ": header declares " + declared + " but the file has "
                        + fileSize + " bytes." + REMEDY);
            }
            // the bytes, then the floats the data set is made of
            Memory.require(5 * payload, where + " (" + describe(dims, noun) + ", read as floats)");
            byte[] values = gzip ? readBounded(in, (int) payload, where, header, declared) : in.readNBytes((int) payload);
            if (values.length != payload) {
                throw new DataFormatException(where + " is truncated: header declares " + declared + " but the file ended after "
                        + (header + values.length) + " bytes." + REMEDY);
            }
            return new Idx(dims, values);
        } catch (EOFException | ZipException e) {
            throw new DataFormatException(file + " is truncated or is not a valid gzip file (" + e.getMessage() + ")." + REMEDY, e);
        }
    }

    private static int[] readHeader(InputStream in, String where, int expectedDims, String noun) throws IOException {
        byte[] magic = in.readNBytes(4);
        int expectedMagic = (UNSIGNED_BYTE << 8) | expectedDims;
        if (magic.length < 4) {
            throw new DataFormatException(where + " is truncated: it has " + magic.length + " bytes, fewer than the 4-byte IDX magic."
                    + REMEDY);
        }
        if (magic[0] != 0 || magic[1] != 0) {
            throw new DataFormatException(where + " is not an IDX file: it starts with " + hex(magic) + ", expected "
                    + hex(bigEndian(expectedMagic)) + " (" + noun + ", magic " + expectedMagic + ").");
        }
        if (magic[2] != UNSIGNED_BYTE) {
            throw new DataFormatException(where + " holds IDX values of type 0x" + String.format("%02X", magic[2])
                    + "; expected unsigned bytes (0x08) as in MNIST and Fashion-MNIST.");
        }
        if (magic[3] != expectedDims) {
            throw new DataFormatException(where + " has magic " + ((magic[2] << 8) | (magic[3] & 0xFF)) + " (" + (magic[3] & 0xFF)
                    + " dimensions); expected " + expectedMagic + " (" + noun + ", " + expectedDims + " dimension"
                    + (expectedDims == 1 ? "" : "s") + "). Check that the images and labels files are not swapped.");
        }
        int[] dims = new int[expectedDims];
        for (int i = 0; i < expectedDims; i++) {
            byte[] b = in.readNBytes(4);
            if (b.length < 4) {
                throw new DataFormatException(where + " is truncated inside its header: it ends before dimension " + (i + 1) + " of "
                        + expectedDims + "." + REMEDY);
            }
            long d = ((b[0] & 0xFFL) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
            if (d == 0) {
                throw new DataFormatException(where + " declares " + (i == 0 ? "0 " + noun : "a dimension of size 0") + "; expected at least one "
                        + (i == 0 ? noun.replaceAll("s$", "") : "value per dimension") + "." + REMEDY);
            }
            if (d > Integer.MAX_VALUE) {
                throw new DataFormatException(where + " declares dimension " + (i + 1) + " = " + d + ", which is impossible."
                        + " The header is corrupt." + REMEDY);
            }
            dims[i] = (int) d;
        }
        return dims;
    }

    /**
     * Reads exactly {@code n} decompressed bytes, growing the buffer only as data actually arrives, so
     * a header that lies costs no more memory than the data present; then checks nothing follows.
     */
    private static byte[] readBounded(InputStream in, int n, String where, long header, String declared) throws IOException {
        byte[] buf = new byte[Math.min(n, 1 << 20)];
        int got = 0;
        while (got < n) {
            if (got == buf.length) buf = Arrays.copyOf(buf, (int) Math.min(n, 2L * buf.length));
            int r = in.read(buf, got, buf.length - got);
            if (r < 0) return Arrays.copyOf(buf, got);
            got += r;
        }
        if (in.read() >= 0) {
            throw new DataFormatException(where + " has more data than its header declares (" + declared + ")."
                    + " The header is corrupt." + REMEDY);
        }
        return buf;
    }

    /** Writes an IDX file of unsigned bytes; {@code gzip} compresses it. */
    public static void write(Path file, int[] dims, byte[] values, boolean gzip) throws IOException {
        long n = 1;
        for (int d : dims) n *= d;
        if (dims.length == 0 || dims.length > 255 || n != values.length) {
            throw new DataFormatException("Cannot write " + file + ": dims " + Arrays.toString(dims) + " describe " + n
                    + " values but " + values.length + " were given. Expected 1 to 255 dimensions whose product is the value count.");
        }
        try (OutputStream out = open(file, gzip)) {
            out.write(bigEndian((UNSIGNED_BYTE << 8) | dims.length));
            for (int d : dims) out.write(bigEndian(d));
            out.write(values);
        }
    }

    private static OutputStream open(Path file, boolean gzip) throws IOException {
        OutputStream out = new BufferedOutputStream(Files.newOutputStream(file), 1 << 16);
        return gzip ? new GZIPOutputStream(out, 1 << 16) : out;
    }

    /** "60000 images of 28x28" / "60000 labels". */
    static String describe(int[] dims, String noun) {
        StringBuilder b = new StringBuilder().append(dims[0]).append(' ').append(noun);
        for (int i = 1; i < dims.length; i++) b.append(i == 1 ? " of " : "x").append(dims[i]);
        return b.toString();
    }

    private static byte[] bigEndian(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length; i++) s.append(i == 0 ? "" : " ").append(String.format("%02X", b[i]));
        return s.toString();
    }
}
