package org.striate.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.striate.StriateException;
import org.striate.nn.Layer;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Graph;
import org.striate.nn.GraphBuilder;

/**
 * Reads the model file in four checked steps: header (magic, version), structure (every section
 * fits in the file, the end marker and checksum are where they belong), CRC32, then contents (every
 * count fits in its section, the parameter count matches the architecture) — so nothing is
 * allocated from a size the file has not been shown to hold.
 */
final class ModelFileReader {
    /** Files are read whole; larger ones are refused before reading. */
    static final long MAX_FILE = Integer.MAX_VALUE - 8;

    private ModelFileReader() {}

    static Graph load(Path file) throws IOException {
        long size;
        try {
            size = Files.size(file);
        } catch (NoSuchFileException e) {
            throw new ModelFormatException(file + " does not exist. Expected a model file written by 'striate train' or ModelFile.save.");
        }
        if (!Files.isRegularFile(file)) throw new ModelFormatException(file + " is a directory or a device, not a model file. Pass the path of a saved model.");
        if (size > MAX_FILE) {
            throw new ModelFormatException(file + " has " + size + " bytes; model files of at most " + MAX_FILE + " bytes can be read.");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(file)) {
            head = in.readNBytes(ModelFile.HEADER);
        }
        checkHeader(file, head, size);
        byte[] bytes = Files.readAllBytes(file);
        return decode(bytes, file.toString());
    }

    /** Decodes a whole model file held in memory; {@code source} names it in messages. */
    static Graph decode(byte[] bytes, String source) {
        checkHeader(source, bytes, bytes.length);
        Map<String, ByteBuffer> sections = structure(bytes, source);
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, bytes.length - ModelFile.CRC);
        int stored = ByteBuffer.wrap(bytes, bytes.length - ModelFile.CRC, ModelFile.CRC).getInt();
        if ((int) crc.getValue() != stored) {
            throw new ModelFormatException(source + " is damaged: its CRC32 checksum is " + String.format("%08x", stored)
                    + " but its content gives " + String.format("%08x", (int) crc.getValue()) + ". Restore it from a good copy or save the model again.");
        }
        return build(sections, source);
    }

    /** Magic, version and declared length against the actual {@code size}; {@code head} may be the whole file. */
    private static void checkHeader(Object source, byte[] head, long size) {
        int n = Math.min(head.length, ModelFile.MAGIC.length);
        if (!Arrays.equals(Arrays.copyOf(head, n), Arrays.copyOf(ModelFile.MAGIC, n))) {
            throw new ModelFormatException(source + " is not a Striate model file: it starts with " + hex(Arrays.copyOf(head, n))
                    + ", expected " + hex(ModelFile.MAGIC) + ". Pass a file written by 'striate train' or ModelFile.save.");
        }
        if (head.length < ModelFile.MAGIC.length + 4) throw truncated(source, "the header needs " + ModelFile.HEADER + " bytes", size);
        int version = ByteBuffer.wrap(head, ModelFile.MAGIC.length, 4).getInt();
        if (version > ModelFile.VERSION) {
            throw new ModelFormatException(source + " has model format version " + version + ", but this version of Striate reads up to version "
                    + ModelFile.VERSION + ". Upgrade Striate to load it (if the file was written by this version, it is damaged).");
        }
        if (version < 1) throw damaged(source, "it declares format version " + version + ", which does not exist");
        if (head.length < ModelFile.HEADER) throw truncated(source, "the header needs " + ModelFile.HEADER + " bytes", size);
        long declared = ByteBuffer.wrap(head, ModelFile.MAGIC.length + 4, 8).getLong();
        if (declared < ModelFile.HEADER + ModelFile.SECTION_HEADER + ModelFile.CRC) {
            throw damaged(source, "its header declares a length of " + declared + " bytes, less than an empty model file");
        }
        if (size < declared) throw truncated(source, "its header declares " + declared + " bytes", size);
        if (size > declared) throw damaged(source, "it has " + (size - declared) + " bytes more than the " + declared + " its header declares");
    }

    /** Walks the section headers without allocating; returns each known section's payload. */
    private static Map<String, ByteBuffer> structure(byte[] bytes, String source) {
        Map<String, ByteBuffer> sections = new HashMap<>();
        ByteBuffer b = ByteBuffer.wrap(bytes);
        int pos = ModelFile.HEADER;
        while (true) {
            if (bytes.length - pos < ModelFile.SECTION_HEADER) {
                throw damaged(source, "it ends inside the section header at offset " + pos);
            }
            String tag = tag(bytes, pos, source);
            long length = b.getInt(pos + 4) & 0xFFFFFFFFL;
            pos += ModelFile.SECTION_HEADER;
            if (length > bytes.length - pos) {
                throw damaged(source, "section '" + tag.trim() + "' at offset " + (pos - 8) + " declares " + length + " bytes but only "
                        + (bytes.length - pos) + " remain");
            }
            if (tag.equals(ModelFile.END)) {
                if (length != 0) throw damaged(source, "its end marker declares " + length + " bytes instead of 0");
                break;
            }
            if (sections.put(tag, ByteBuffer.wrap(bytes, pos, (int) length).slice()) != null) {
                throw damaged(source, "section '" + tag.trim() + "' appears twice");
            }
            pos += (int) length;
        }
        long after = bytes.length - pos;
        if (after != ModelFile.CRC) throw damaged(source, "its end marker is followed by " + after + " bytes instead of the 4-byte checksum");
        for (String required : new String[] {ModelFile.ARCH, ModelFile.PARM}) {
            if (!sections.containsKey(required)) throw damaged(source, "it has no '" + required + "' section");
        }
        return sections;
    }

    private static Graph build(Map<String, ByteBuffer> sections, String source) {
        GraphBuilder builder = architecture(sections.get(ModelFile.ARCH), source);
        Cursor parm = new Cursor(sections.get(ModelFile.PARM), ModelFile.PARM, source);
        int count = parm.count(4);
        long expected = 0;
        for (Layer layer : builder.layers()) expected += layer.paramCount(); // shapes were inferred when parsed
        if (expected != count) {
            throw damaged(source, "its architecture needs " + expected + " parameters but the file holds " + count);
        }
        Graph model;
        try {
            model = builder.build(0);
        } catch (StriateException e) {
            throw new ModelFormatException(source + ": its architecture cannot be built: " + e.getMessage(), e);
        }
        parm.floats(model.params(), count);
        parm.end();
        if (sections.containsKey(ModelFile.NORM)) normalization(model, new Cursor(sections.get(ModelFile.NORM), ModelFile.NORM, source));
        if (sections.containsKey(ModelFile.CLAS)) {
            String[] names = classNames(new Cursor(sections.get(ModelFile.CLAS), ModelFile.CLAS, source));
            // a classifier has one output per class, or one output for two classes; maps (segmentation, detection
            // grids, super-resolution) use their names in ways of their own
            int[] out = model.outputShape();
            long outputs = 1;
            for (int d : out) outputs *= d;
            if (out.length == 1 && names.length != 0 && names.length != outputs && !(outputs == 1 && names.length == 2)) {
                throw damaged(source, "it names " + names.length + " classes but the model has " + outputs + " outputs");
            }
            model.classNames(names);
        }
        if (sections.containsKey(ModelFile.STAT)) states(model, new Cursor(sections.get(ModelFile.STAT), ModelFile.STAT, source));
        if (sections.containsKey(ModelFile.TRAN)) model.training(training(sections.get(ModelFile.TRAN), source));
        return model;
    }

    private static GraphBuilder architecture(ByteBuffer arch, String source) {
        byte[] text = new byte[arch.remaining()];
        arch.get(text);
        try {
            return LayerSpecs.parse(new String(text, StandardCharsets.UTF_8), source + " (architecture)", null);
        } catch (StriateException e) {
            throw new ModelFormatException(source + ": its architecture is invalid or uses layers this version of Striate does not know: "
                    + e.getMessage(), e);
        }
    }

    private static void normalization(Graph model, Cursor c) {
        int channels = c.count(8);
        float[] mean = new float[channels], std = new float[channels];
        c.floats(mean, channels);
        c.floats(std, channels);
        c.end();
        for (int i = 0; i < channels; i++) {
            if (!Float.isFinite(mean[i]) || !Float.isFinite(std[i]) || !(std[i] > 0)) {
                throw damaged(c.source, "its input normalisation of channel " + i + " is mean " + mean[i] + ", std " + std[i]
                        + " (expected finite values and std > 0)");
            }
        }
        try {
            model.normalization(mean, std);
        } catch (StriateException e) {
            throw new ModelFormatException(c.source + " is damaged: its input normalisation is invalid: " + e.getMessage(), e);
        }
    }

    private static String[] classNames(Cursor c) {
        String[] names = new String[c.count(4)];
        for (int i = 0; i < names.length; i++) {
            names[i] = c.string();
            try {
                org.striate.data.ClassNames.check(names[i], c.source);
            } catch (StriateException e) {
                throw damaged(c.source, "class name " + (i + 1) + " holds a control character");
            }
        }
        c.end();
        return names;
    }

    /** The training notes: strict UTF-8, lines without control characters (they are shown in terminals and pages). */
    private static String training(ByteBuffer b, String source) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(b.duplicate()).toString();
        } catch (CharacterCodingException e) {
            throw damaged(source, "its training notes are not UTF-8 text");
        }
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (ch != '\n' && (ch < 0x20 || ch == 0x7F)) throw damaged(source, "its training notes hold a control character");
        }
        return text;
    }

    private static void states(Graph model, Cursor c) {
        List<Layer> layers = model.layers();
        int n = c.count(4);
        if (n != layers.size()) throw damaged(c.source, "it holds state for " + n + " layers but the architecture has " + layers.size());
        for (Layer layer : layers) {
            int size = c.count(4);
            int expected = layer.state().length;
            if (size != expected) {
                throw damaged(c.source, "layer '" + layer.name() + "' (" + layer.type() + ") keeps " + expected + " state values but the file holds " + size);
            }
            float[] s = new float[size];
            c.floats(s, size);
            layer.loadState(s);
        }
        c.end();
    }

    /** Reads inside one section; every count is checked against the bytes left before it is used. */
    private static final class Cursor {
        final ByteBuffer b;
        final String tag, source;

        Cursor(ByteBuffer b, String tag, String source) { this.b = b; this.tag = tag; this.source = source; }

        /** A u32 count of items of at least {@code minBytes} each, checked to fit in what is left. */
        int count(int minBytes) {
            need(4);
            long n = b.getInt() & 0xFFFFFFFFL;
            if (n * minBytes > b.remaining()) {
                throw damaged(source, "section '" + tag.trim() + "' declares " + n + " items but has room for " + b.remaining() / minBytes);
            }
            return (int) n;
        }

        void floats(float[] into, int n) {
            need(4L * n);
            for (int i = 0; i < n; i++) into[i] = Float.intBitsToFloat(b.getInt());
        }

        String string() {
            int len = count(1);
            byte[] s = new byte[len];
            b.get(s);
            return new String(s, StandardCharsets.UTF_8);
        }

        void end() {
            if (b.hasRemaining()) throw damaged(source, "section '" + tag.trim() + "' has " + b.remaining() + " bytes left over");
        }

        private void need(long n) {
            if (n > b.remaining()) throw damaged(source, "section '" + tag.trim() + "' ends " + (n - b.remaining()) + " bytes early");
        }
    }

    private static String tag(byte[] bytes, int pos, String source) {
        for (int i = 0; i < 4; i++) {
            if (bytes[pos + i] < 0x20 || bytes[pos + i] > 0x7E) throw damaged(source, "the section header at offset " + pos + " is unreadable");
        }
        return new String(bytes, pos, 4, StandardCharsets.US_ASCII);
    }

    private static ModelFormatException truncated(Object source, String what, long size) {
        return new ModelFormatException(source + " is truncated: " + what + " but the file has " + size + " bytes"
                + ". The save was interrupted or the copy is incomplete; save the model again.");
    }

    private static ModelFormatException damaged(Object source, String what) {
        return new ModelFormatException(source + " is damaged: " + what + ". Restore it from a good copy or save the model again.");
    }

    private static String hex(byte[] b) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < b.length; i++) s.append(i == 0 ? "" : " ").append(String.format("%02X", b[i]));
        return s.toString();
    }
}
