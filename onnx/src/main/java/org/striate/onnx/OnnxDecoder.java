package org.striate.onnx;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.onnx.OnnxModel.Attribute;
import org.striate.onnx.OnnxModel.Graph;
import org.striate.onnx.OnnxModel.Node;
import org.striate.onnx.OnnxModel.Tensor;
import org.striate.onnx.OnnxModel.ValueInfo;

/**
 * Decodes onnx.proto's ModelProto (field numbers from onnx.proto) into an {@link OnnxModel}. Weights
 * may be in raw_data, in the typed fields, or in an external data file, which must lie in the model's
 * own folder (a bare file name: no path separators, no links out of it).
 */
final class OnnxDecoder {
    private final String source;
    private final Path dir;

    private OnnxDecoder(String source, Path dir) {
        this.source = source;
        this.dir = dir;
    }

    /** {@code dir} holds external data files; null when the model came as bytes (then it may have none). */
    static OnnxModel decode(byte[] bytes, String source, Path dir) {
        return new OnnxDecoder(source, dir).model(new ProtoReader(bytes, 0, bytes.length, source));
    }

    /** One TensorProto on its own (ONNX's test data files); its data must be inside it. */
    static Tensor decodeTensor(byte[] bytes, String source) {
        return new OnnxDecoder(source, null).tensor(new ProtoReader(bytes, 0, bytes.length, source));
    }

    private OnnxModel model(ProtoReader r) {
        long ir = 0;
        String producer = "", producerVersion = "";
        Map<String, Long> opsets = new LinkedHashMap<>();
        Map<String, String> metadata = new LinkedHashMap<>();
        Graph graph = null;
        for (int f; (f = r.next()) != 0; ) {
            switch (f) {
                case 1 -> { r.expect(ProtoReader.VARINT); ir = r.varint(); }
                case 2 -> { r.expect(ProtoReader.LEN); producer = r.string(); }
                case 3 -> { r.expect(ProtoReader.LEN); producerVersion = r.string(); }
                case 7 -> { r.expect(ProtoReader.LEN); graph = graph(r.message(source + " (graph)")); }
                case 8 -> {
                    r.expect(ProtoReader.LEN);
                    ProtoReader o = r.message(source + " (opset_import)");
                    String domain = "";
                    long version = 0;
                    for (int g; (g = o.next()) != 0; ) {
                        if (g == 1 && o.wireType() == ProtoReader.LEN) domain = o.string();
                        else if (g == 2 && o.wireType() == ProtoReader.VARINT) version = o.varint();
                        else o.skip();
                    }
                    opsets.put(domain.equals("ai.onnx") ? "" : domain, version);
                }
                case 14 -> {
                    r.expect(ProtoReader.LEN);
                    String[] kv = entry(r.message(source + " (metadata_props)"));
                    metadata.put(kv[0], kv[1]);
                }
                default -> r.skip();
            }
        }
        if (graph == null) throw new OnnxFormatException(source + " holds no graph. Expected an ONNX model (a ModelProto with a graph); the file may be truncated or not ONNX.");
        return new OnnxModel(ir, (producer + " " + producerVersion).trim(), opsets, graph, metadata);
    }

    private static String[] entry(ProtoReader r) {
        String[] kv = {"", ""};
        for (int f; (f = r.next()) != 0; ) {
            if ((f == 1 || f == 2) && r.wireType() == ProtoReader.LEN) kv[f - 1] = r.string();
            else r.skip();
        }
        return kv;
    }

    private Graph graph(ProtoReader r) {
        String name = "";
        List<Node> nodes = new ArrayList<>();
        List<Tensor> inits = new ArrayList<>();
        List<ValueInfo> inputs = new ArrayList<>(), outputs = new ArrayList<>();
        for (int f; (f = r.next()) != 0; ) {
            switch (f) {
                case 1 -> { r.expect(ProtoReader.LEN); nodes.add(node(r.message(source + " (node " + (nodes.size() + 1) + ")"))); }
                case 2 -> { r.expect(ProtoReader.LEN); name = r.string(); }
                case 5 -> { r.expect(ProtoReader.LEN); inits.add(tensor(r.message(source + " (initializer " + (inits.size() + 1) + ")"))); }
                case 11 -> { r.expect(ProtoReader.LEN); inputs.add(valueInfo(r.message(source + " (graph input)"))); }
                case 12 -> { r.expect(ProtoReader.LEN); outputs.add(valueInfo(r.message(source + " (graph output)"))); }
                case 15 -> throw new OnnxFormatException(source + " has sparse initializers, which this reader does not take. Expected dense weights (export without sparsity).");
                default -> r.skip();
            }
        }
        return new Graph(name, nodes, inits, inputs, outputs);
    }

    private Node node(ProtoReader r) {
        List<String> in = new ArrayList<>(), out = new ArrayList<>();
        String name = "", op = "", domain = "";
        Map<String, Attribute> attrs = new HashMap<>();
        for (int f; (f = r.next()) != 0; ) {
            switch (f) {
                case 1 -> { r.expect(ProtoReader.LEN); in.add(r.string()); }
                case 2 -> { r.expect(ProtoReader.LEN); out.add(r.string()); }
                case 3 -> { r.expect(ProtoReader.LEN); name = r.string(); }
                case 4 -> { r.expect(ProtoReader.LEN); op = r.string(); }
                case 5 -> {
                    r.expect(ProtoReader.LEN);
                    Attribute a = attribute(r.message(source + " (attribute of node '" + name + "')"));
                    attrs.put(a.name(), a);
                }
                case 7 -> { r.expect(ProtoReader.LEN); domain = r.string(); }
                default -> r.skip();
            }
        }
        return new Node(op, name, domain.equals("ai.onnx") ? "" : domain, in, out, attrs);
    }

    private Attribute attribute(ProtoReader r) {
        String name = "", s = null;
        int type = 0;
        float fl = 0;
        long i = 0;
        Tensor t = null;
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        for (int f; (f = r.next()) != 0; ) {
            switch (f) {
                case 1 -> { r.expect(ProtoReader.LEN); name = r.string(); }
                case 20 -> { r.expect(ProtoReader.VARINT); type = r.int32("attribute type"); }
                case 2 -> { r.expect(ProtoReader.FIXED32); fl = r.fixed32Float(); }
                case 3 -> { r.expect(ProtoReader.VARINT); i = r.varint(); }
                case 4 -> { r.expect(ProtoReader.LEN); s = r.string(); }
                case 5 -> { r.expect(ProtoReader.LEN); t = tensor(r.message(source + " (attribute tensor)")); }
                case 7 -> r.floats(floats);
                case 8 -> r.longs(ints);
                default -> r.skip(); // sub-graphs and the rest: never descended into
            }
        }
        return new Attribute(name, type, fl, i, s, t, floats.toArray(), ints.toArray());
    }

    private ValueInfo valueInfo(ProtoReader r) {
        String name = "";
        int elem = 0;
        ProtoReader.LongList dims = new ProtoReader.LongList();
        for (int f; (f = r.next()) != 0; ) {
            if (f == 1 && r.wireType() == ProtoReader.LEN) { name = r.string(); continue; }
            if (f != 2 || r.wireType() != ProtoReader.LEN) { r.skip(); continue; }
            ProtoReader type = r.message(source + " (type of '" + name + "')");
            for (int g; (g = type.next()) != 0; ) {
                if (g != 1 || type.wireType() != ProtoReader.LEN) { type.skip(); continue; }
                ProtoReader tensor = type.message(source + " (tensor type of '" + name + "')");
                for (int h; (h = tensor.next()) != 0; ) {
                    if (h == 1 && tensor.wireType() == ProtoReader.VARINT) elem = tensor.int32("elem_type");
                    else if (h == 2 && tensor.wireType() == ProtoReader.LEN) shape(tensor.message(source + " (shape of '" + name + "')"), dims);
                    else tensor.skip();
                }
            }
        }
        return new ValueInfo(name, elem, dims.toArray());
    }

    private void shape(ProtoReader r, ProtoReader.LongList dims) {
        for (int f; (f = r.next()) != 0; ) {
            if (f != 1 || r.wireType() != ProtoReader.LEN) { r.skip(); continue; }
            ProtoReader d = r.message(source + " (dimension)");
            long value = -1;
            for (int g; (g = d.next()) != 0; ) {
                if (g == 1 && d.wireType() == ProtoReader.VARINT) value = d.varint();
                else d.skip();
            }
            dims.add(value > 0 ? value : -1);
        }
    }

    private Tensor tensor(ProtoReader r) {
        ProtoReader.LongList dims = new ProtoReader.LongList(), longs = new ProtoReader.LongList();
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        int type = 0;
        String name = "";
        byte[] raw = null;
        boolean external = false;
        Map<String, String> location = new HashMap<>();
        for (int f; (f = r.next()) != 0; ) {
            switch (f) {
                case 1 -> r.longs(dims);
                case 2 -> { r.expect(ProtoReader.VARINT); type = r.int32("data_type"); }
                case 3 -> throw r.bad("a tensor split in segments, which this reader does not take");
                case 4 -> r.floats(floats);
                case 5, 7 -> r.longs(longs);
                case 8 -> { r.expect(ProtoReader.LEN); name = r.string(); }
                case 9 -> { r.expect(ProtoReader.LEN); raw = r.bytes(); }
                case 10 -> r.skip(); // double weights: the type is refused where used
                case 13 -> { r.expect(ProtoReader.LEN); String[] kv = entry(r.message(source + " (external_data)")); location.put(kv[0], kv[1]); }
                case 14 -> { r.expect(ProtoReader.VARINT); external = r.varint() == 1; }
                default -> r.skip();
            }
        }
        long[] d = dims.toArray();
        long count = 1;
        for (long x : d) {
            if (x < 0 || (x > 0 && count > Integer.MAX_VALUE / x)) {
                throw new OnnxFormatException("Tensor '" + name + "' in " + source + " has invalid dimensions " + java.util.Arrays.toString(d)
                        + ". Expected sizes >= 0 whose product fits in 2^31.");
            }
            count *= x;
        }
        if (external) raw = externalData(name, location, count * elementSize(type));
        float[] fl = null;
        long[] lo = null;
        if (type == OnnxModel.FLOAT) {
            fl = raw != null ? rawFloats(name, raw, count) : checked(name, floats.toArray(), count);
        } else if (type == OnnxModel.INT64 || type == OnnxModel.INT32) {
            lo = raw != null ? rawLongs(name, raw, count, type == OnnxModel.INT64 ? 8 : 4) : checked(name, longs.toArray(), count);
        }
        return new Tensor(name, type, d, fl, lo);
    }

    private static int elementSize(int type) {
        return switch (type) { case OnnxModel.INT64, OnnxModel.DOUBLE -> 8; case 10, 16, 5, 4 -> 2; case 2, 3, 9 -> 1; default -> 4; };
    }

    private float[] rawFloats(String name, byte[] raw, long count) {
        if (raw.length != 4 * count) throw sizeMismatch(name, raw.length, 4 * count);
        float[] out = new float[(int) count];
        ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(out);
        return out;
    }

    private long[] rawLongs(String name, byte[] raw, long count, int size) {
        if (raw.length != size * count) throw sizeMismatch(name, raw.length, size * count);
        long[] out = new long[(int) count];
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < count; i++) out[i] = size == 8 ? b.getLong() : b.getInt();
        return out;
    }

    private float[] checked(String name, float[] v, long count) {
        if (v.length != count) throw sizeMismatch(name, 4L * v.length, 4 * count);
        return v;
    }

    private long[] checked(String name, long[] v, long count) {
        if (v.length != count) throw sizeMismatch(name, v.length, count);
        return v;
    }

    private OnnxFormatException sizeMismatch(String name, long have, long want) {
        return new OnnxFormatException("Tensor '" + name + "' in " + source + " holds " + have + " bytes of data where its dimensions need " + want
                + ". Expected data that matches the dimensions; the file may be damaged.");
    }

    /** Reads [offset, offset + length) of an external data file in the model's folder. */
    private byte[] externalData(String name, Map<String, String> kv, long expected) {
        String loc = kv.getOrDefault("location", "");
        if (dir == null) {
            throw new OnnxFormatException("Tensor '" + name + "' in " + source + " keeps its data in the external file '" + loc
                    + "'. Expected a model read from a file (Onnx.load), beside which that data file lies.");
        }
        if (loc.isEmpty() || loc.contains("/") || loc.contains("\\") || loc.equals("..") || loc.equals(".") || loc.indexOf('\0') >= 0) {
            throw new OnnxFormatException("Tensor '" + name + "' in " + source + " points to external data '" + loc
                    + "'. Expected the name of a file in the model's own folder (no paths); data is read from nowhere else.");
        }
        long offset = parse(name, kv.getOrDefault("offset", "0")), length = kv.containsKey("length") ? parse(name, kv.get("length")) : expected;
        if (length != expected) throw sizeMismatch(name, length, expected);
        Path file = dir.resolve(loc);
        try {
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) throw new NoSuchFileException(file.toString());
            try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
                if (offset > ch.size() || length > ch.size() - offset) {
                    throw new OnnxFormatException("External data file " + file + " has " + ch.size() + " bytes, too few for tensor '" + name
                            + "' at offset " + offset + " with " + length + " bytes. Expected the data file written with the model.");
                }
                ByteBuffer b = ByteBuffer.allocate((int) length);
                while (b.hasRemaining()) if (ch.read(b, offset + b.position()) < 0) break;
                return b.array();
            }
        } catch (IOException e) {
            throw new OnnxFormatException("Cannot read external data file " + file + " for tensor '" + name + "' (" + e.getMessage()
                    + "). Expected it beside " + source + ", as the exporter wrote it.", e);
        }
    }

    private long parse(String name, String v) {
        try {
            long x = Long.parseLong(v.trim());
            if (x < 0) throw new NumberFormatException();
            return x;
        } catch (NumberFormatException e) {
            throw new OnnxFormatException("Tensor '" + name + "' in " + source + " has external data offset or length '" + v + "'. Expected a whole number >= 0.");
        }
    }
}
