package org.striate.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.striate.StriateException;
import org.striate.data.DataFormatException;
import org.striate.tensor.Tensor;

/**
 * NumPy's .npy format for float32 arrays, batch first: raw tensors in and out ({@code striate
 * predict --input x.npy --out y.npy}, test fixtures). Reads little-endian float32 ('&lt;f4') in C
 * order; the header is checked against the file's size before anything is allocated.
 */
public final class Npy {
    private Npy() {}

    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};
    private static final Pattern DESCR = Pattern.compile("'descr'\\s*:\\s*'([^']*)'");
    private static final Pattern ORDER = Pattern.compile("'fortran_order'\\s*:\\s*(True|False)");
    private static final Pattern SHAPE = Pattern.compile("'shape'\\s*:\\s*\\(([^)]*)\\)");

    public static Tensor read(Path file) throws IOException {
        if (!Files.isRegularFile(file)) throw new DataFormatException("File " + file + " does not exist. Expected a NumPy .npy file of float32 values.");
        byte[] b = Files.readAllBytes(file);
        if (b.length < 10 || !java.util.Arrays.equals(java.util.Arrays.copyOf(b, 6), MAGIC)) throw bad(file, "it does not start with NumPy's magic bytes");
        int major = b[6];
        int headerLen = major == 1 ? (b[8] & 0xff) | (b[9] & 0xff) << 8 : b.length < 12 ? -1
                : (b[8] & 0xff) | (b[9] & 0xff) << 8 | (b[10] & 0xff) << 16 | (b[11] & 0x7f) << 24;
        int start = major == 1 ? 10 : 12;
        if (major < 1 || major > 3 || headerLen < 0 || headerLen > b.length - start) throw bad(file, "its header is cut off or of an unknown version " + major);
        String header = new String(b, start, headerLen, StandardCharsets.ISO_8859_1);
        Matcher d = DESCR.matcher(header), o = ORDER.matcher(header), s = SHAPE.matcher(header);
        if (!d.find() || !o.find() || !s.find()) throw bad(file, "its header lacks descr, fortran_order or shape");
        if (!d.group(1).equals("<f4")) throw bad(file, "its values are '" + d.group(1) + "'; convert with x.astype(np.float32)");
        if (o.group(1).equals("True")) throw bad(file, "it is in Fortran order; save np.ascontiguousarray(x)");
        String[] parts = s.group(1).split(",");
        int rank = 0;
        int[] shape = new int[parts.length];
        long count = 1;
        for (String p : parts) {
            if (p.isBlank()) continue;
            try {
                shape[rank] = Integer.parseInt(p.trim());
            } catch (NumberFormatException e) {
                throw bad(file, "its shape (" + s.group(1) + ") is not a list of sizes");
            }
            count *= shape[rank];
            if (shape[rank] < 0 || count > Integer.MAX_VALUE) throw bad(file, "its shape (" + s.group(1) + ") is too large");
            rank++;
        }
        int dataStart = start + headerLen;
        if ((long) b.length - dataStart != 4 * count) {
            throw bad(file, "it holds " + (b.length - dataStart) + " bytes of data where the shape (" + s.group(1) + ") needs " + 4 * count);
        }
        if (rank == 0) throw bad(file, "it holds a single number; expected an array with the batch first");
        Tensor t = new Tensor(java.util.Arrays.copyOf(shape, rank));
        ByteBuffer.wrap(b, dataStart, b.length - dataStart).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(t.data, 0, (int) count);
        return t;
    }

    /** Writes {@code t} as little-endian float32 in C order, whole or not at all. */
    public static void write(Tensor t, Path file) throws IOException {
        StringBuilder shape = new StringBuilder();
        for (int d : t.shape()) shape.append(shape.length() > 0 ? ", " : "").append(d);
        if (t.shape().length == 1) shape.append(',');
        String h = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + shape + "), }";
        int pad = 64 - (10 + h.length() + 1) % 64;
        h = h + " ".repeat(pad % 64) + "\n";
        if (h.length() > 65535) throw new StriateException("The array's shape is too long for a .npy header.");
        byte[] header = h.getBytes(StandardCharsets.ISO_8859_1);
        ByteBuffer b = ByteBuffer.allocate(10 + header.length + 4 * t.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length).put(header);
        b.asFloatBuffer().put(t.data, 0, t.size());
        AtomicFile.write(file, out -> out.write(b.array()));
    }

    private static DataFormatException bad(Path file, String why) {
        return new DataFormatException("Cannot read " + file + " as a NumPy array: " + why + ". Expected a .npy file of float32 values written by np.save.");
    }
}
