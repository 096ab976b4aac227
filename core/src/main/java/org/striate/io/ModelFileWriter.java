package org.striate.io;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import org.striate.nn.Layer;
import org.striate.nn.Graph;

/** Writes the model file: header, sections, end marker, CRC32 — into a temporary file, then renamed. */
final class ModelFileWriter {
    private ModelFileWriter() {}

    static void save(Graph model, Path file) throws IOException { save(model, file, out -> out); }

    /** {@code wrap} lets tests put a failing stream under the writer, as a full disk would. */
    static void save(Graph model, Path file, UnaryOperator<OutputStream> wrap) throws IOException {
        Content content = new Content(model);
        AtomicFile.write(file, stream -> {
            CRC32 crc = new CRC32();
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(stream, crc));
            content.write(out);
            out.writeInt((int) crc.getValue());
            out.flush();
        }, wrap);
    }

    static byte[] toBytes(Graph model) {
        Content content = new Content(model);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        CRC32 crc = new CRC32();
        try {
            DataOutputStream out = new DataOutputStream(new CheckedOutputStream(bytes, crc));
            content.write(out);
            out.writeInt((int) crc.getValue());
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return bytes.toByteArray();
    }

    /** Everything to write, gathered first so the header can state the file's total length. */
    private static final class Content {
        final Graph model;
        final byte[] arch, training;
        final float[] mean, std, params;
        final List<byte[]> names = new ArrayList<>();
        final List<float[]> states = new ArrayList<>();
        final long normLength, clasLength, parmLength, statLength, total;

        Content(Graph model) {
            this.model = model;
            arch = model.spec().getBytes(StandardCharsets.UTF_8);
            training = model.training().getBytes(StandardCharsets.UTF_8);
            mean = model.mean();
            std = model.std();
            params = model.params();
            long clas = 4;
            for (String n : model.classNames()) {
                byte[] b = n.getBytes(StandardCharsets.UTF_8);
                names.add(b);
                clas += 4 + b.length;
            }
            long stat = 4;
            for (Layer layer : model.layers()) {
                float[] s = layer.state();
                states.add(s);
                stat += 4 + 4L * s.length;
            }
            normLength = 4 + 8L * mean.length;
            clasLength = clas;
            parmLength = 4 + 4L * params.length;
            statLength = stat;
            total = ModelFile.HEADER + 5L * ModelFile.SECTION_HEADER + arch.length + normLength + clasLength + parmLength + statLength
                    + (training.length == 0 ? 0 : ModelFile.SECTION_HEADER + training.length) + ModelFile.SECTION_HEADER + ModelFile.CRC;
        }

        void write(DataOutputStream out) throws IOException {
            out.write(ModelFile.MAGIC);
            out.writeInt(ModelFile.VERSION);
            out.writeLong(total);

            section(out, ModelFile.ARCH, arch.length);
            out.write(arch);

            section(out, ModelFile.NORM, normLength);
            out.writeInt(mean.length);
            floats(out, mean);
            floats(out, std);

            section(out, ModelFile.CLAS, clasLength);
            out.writeInt(names.size());
            for (byte[] b : names) { out.writeInt(b.length); out.write(b); }

            section(out, ModelFile.PARM, parmLength);
            out.writeInt(params.length);
            floats(out, params);

            section(out, ModelFile.STAT, statLength);
            out.writeInt(states.size());
            for (float[] s : states) { out.writeInt(s.length); floats(out, s); }

            // only when known, so a model without it is the same bytes as before the section existed
            if (training.length > 0) {
                section(out, ModelFile.TRAN, training.length);
                out.write(training);
            }

            section(out, ModelFile.END, 0);
        }
    }

    private static void section(DataOutputStream out, String tag, long length) throws IOException {
        if (length > Integer.MAX_VALUE) throw new IOException("Section " + tag + " of " + length + " bytes does not fit the model file format (at most 2^31 - 1).");
        out.write(tag.getBytes(StandardCharsets.US_ASCII));
        out.writeInt((int) length);
    }

    /** Raw IEEE-754 bits, big-endian, so every value (NaN payloads too) comes back bit-identical. */
    private static void floats(DataOutputStream out, float[] a) throws IOException {
        for (int i = 0; i < a.length; i++) out.writeInt(Float.floatToRawIntBits(a[i]));
    }
}
