package org.striate.io;

import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.striate.train.Checkpoint;
import org.striate.train.EpochStats;

/**
 * The checkpoint file: magic "\x89STRC\r\n\x1A", u32 version, u64 total length, the fields of a
 * {@link Checkpoint} in a fixed order (big-endian, raw IEEE-754 bits, counts before arrays), CRC32
 * of everything before it. Saving keeps the previous checkpoint as {@code <file>.1}; both are
 * written atomically ({@link AtomicFile}), so a kill at any moment leaves at least one whole checkpoint.
 * Loading checks length, checksum and every count before allocating.
 */
public final class CheckpointFile {
    static final byte[] MAGIC = {(byte) 0x89, 'S', 'T', 'R', 'C', '\r', '\n', 0x1A};
    public static final int VERSION = 1;
    private static final int HEADER = MAGIC.length + 4 + 8, CRC = 4;
    /** Test seam: wraps the stream the checkpoint is written to (a test stalls it to be killed mid-write). */
    static volatile UnaryOperator<OutputStream> wrapForTests = out -> out;

    private CheckpointFile() {}

    /** Writes {@code c} to {@code file} atomically, first keeping the checkpoint already there as {@code <file>.1}. */
    public static void save(Checkpoint c, Path file) throws IOException {
        byte[] bytes = toBytes(c);
        if (Files.isRegularFile(file)) AtomicFile.write(Checkpoint.previous(file), out -> Files.copy(file, out));
        AtomicFile.write(file, out -> out.write(bytes), wrapForTests);
    }

    static byte[] toBytes(Checkpoint c) {
        var bytes = new java.io.ByteArrayOutputStream();
        try {
            DataOutputStream out = new DataOutputStream(new BufferedOutputStream(bytes));
            out.write(MAGIC);
            out.writeInt(VERSION);
            out.writeLong(0);                              // the length, filled in below
            out.writeInt(c.run().size());
            for (Map.Entry<String, String> e : c.run().entrySet()) { string(out, e.getKey()); string(out, e.getValue()); }
            out.writeInt(c.model().length);
            out.write(c.model());
            out.writeInt(c.layerRandom().length);
            for (long[] r : c.layerRandom()) longs(out, r);
            out.writeInt(c.optimizer().length);
            out.write(c.optimizer());
            out.writeInt(c.epoch());
            out.writeInt(c.step());
            out.writeInt(c.order().length);
            for (int i : c.order()) out.writeInt(i);
            longs(out, c.shuffleRandom());
            longs(out, c.augmentRandom());
            out.writeDouble(c.lossSum());
            out.writeLong(c.correct());
            out.writeLong(c.seen());
            out.writeDouble(c.learningRate());
            out.writeDouble(c.epochSeconds());
            out.writeInt(c.history().size());
            for (EpochStats s : c.history()) {
                out.writeInt(s.epoch());
                for (double d : new double[] {s.trainLoss(), s.trainAccuracy(), s.validationLoss(), s.validationAccuracy(), s.learningRate(), s.seconds()}) {
                    out.writeDouble(d);
                }
            }
            out.flush();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        byte[] b = Arrays.copyOf(bytes.toByteArray(), bytes.size() + CRC);
        ByteBuffer.wrap(b).putLong(MAGIC.length + 4, b.length);
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - CRC);
        ByteBuffer.wrap(b).putInt(b.length - CRC, (int) crc.getValue());
        return b;
    }

    public static Checkpoint load(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException("Checkpoint " + file + " does not exist. Expected a file written by 'striate train --checkpoint-every N' (<out>.ckpt).");
        }
        if (!Files.isRegularFile(file)) throw new ModelFormatException("Checkpoint " + file + " is not a regular file. Pass the path of a <out>.ckpt file.");
        if (size > ModelFileReader.MAX_FILE) throw damaged(file.toString(), "it has " + size + " bytes, more than a checkpoint can hold");
        return decode(Files.readAllBytes(file), file.toString());
    }

    /** Decodes checkpoint bytes; {@code source} names them in messages. */
    static Checkpoint decode(byte[] b, String source) {
        if (b.length < HEADER + CRC || !Arrays.equals(Arrays.copyOf(b, MAGIC.length), MAGIC)) {
            throw new ModelFormatException(source + " is not a Striate checkpoint (it does not start with the checkpoint magic bytes)."
                    + " Pass the <out>.ckpt file a run with --checkpoint-every wrote.");
        }
        ByteBuffer in = ByteBuffer.wrap(b);
        int version = in.getInt(MAGIC.length);
        if (version != VERSION) throw damaged(source, "it has checkpoint format version " + version + ", this Striate reads version " + VERSION);
        long declared = in.getLong(MAGIC.length + 4);
        if (declared != b.length) throw damaged(source, "its header declares " + declared + " bytes but it has " + b.length + " (truncated?)");
        CRC32 crc = new CRC32();
        crc.update(b, 0, b.length - CRC);
        if ((int) crc.getValue() != in.getInt(b.length - CRC)) throw damaged(source, "its CRC32 checksum does not match its content");
        Reader r = new Reader(ByteBuffer.wrap(b, HEADER, b.length - HEADER - CRC).slice(), source);
        Map<String, String> run = new LinkedHashMap<>();
        for (int i = r.count(8); i > 0; i--) run.put(r.string(), r.string());
        byte[] model = r.bytes();
        long[][] layerRandom = new long[r.count(4)][];
        for (int i = 0; i < layerRandom.length; i++) layerRandom[i] = r.longs();
        byte[] optimizer = r.bytes();
        int epoch = r.nonNegative("epoch"), step = r.nonNegative("step");
        int[] order = r.ints();
        long[] shuffle = r.longs(), augment = r.longs();
        r.need(40);
        double lossSum = r.in.getDouble();
        long correct = r.in.getLong(), seen = r.in.getLong();
        double lr = r.in.getDouble(), seconds = r.in.getDouble();
        List<EpochStats> history = new ArrayList<>();
        for (int i = r.count(52); i > 0; i--) {
            int e = r.in.getInt();
            history.add(new EpochStats(e, r.in.getDouble(), r.in.getDouble(), r.in.getDouble(), r.in.getDouble(), r.in.getDouble(), r.in.getDouble()));
        }
        if (r.in.hasRemaining()) throw damaged(source, r.in.remaining() + " bytes follow its last field");
        return new Checkpoint(run, model, layerRandom, optimizer, epoch, step, order, shuffle, augment,
                lossSum, correct, seen, lr, seconds, history, source);
    }

    /** Reads inside the checked body; every count is checked against the bytes left before it is used. */
    private record Reader(ByteBuffer in, String source) {
        int count(int minBytes) {
            need(4);
            long n = in.getInt() & 0xFFFFFFFFL;
            if (n * minBytes > in.remaining()) throw damaged(source, "a count of " + n + " items does not fit in the " + in.remaining() + " bytes left");
            return (int) n;
        }

        int nonNegative(String what) {
            need(4);
            int v = in.getInt();
            if (v < 0) throw damaged(source, "its " + what + " is " + v);
            return v;
        }

        String string() { return new String(bytes(), StandardCharsets.UTF_8); }

        byte[] bytes() {
            byte[] a = new byte[count(1)];
            in.get(a);
            return a;
        }

        long[] longs() {
            long[] a = new long[count(8)];
            for (int i = 0; i < a.length; i++) a[i] = in.getLong();
            return a;
        }

        int[] ints() {
            int[] a = new int[count(4)];
            for (int i = 0; i < a.length; i++) a[i] = in.getInt();
            return a;
        }

        void need(int n) { if (in.remaining() < n) throw damaged(source, "it ends " + (n - in.remaining()) + " bytes early"); }
    }

    private static void string(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void longs(DataOutputStream out, long[] a) throws IOException {
        out.writeInt(a.length);
        for (long v : a) out.writeLong(v);
    }

    private static ModelFormatException damaged(String source, String what) {
        return new ModelFormatException(source + " is not a usable checkpoint: " + what + ". Resume from the previous checkpoint (<out>.ckpt.1) or start afresh.");
    }
}
