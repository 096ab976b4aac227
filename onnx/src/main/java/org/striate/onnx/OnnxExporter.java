package org.striate.onnx;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.striate.StriateException;
import org.striate.io.Json;
import org.striate.nn.Graph;
import org.striate.nn.Node;
import org.striate.nn.OnnxOps;

/**
 * Writes a Striate {@link Graph} as an ONNX ModelProto: each layer writes its own operators
 * ({@link org.striate.nn.Layer#toOnnx}), the batch dimension is symbolic ("N"), the input
 * normalisation comes first as Sub and Div nodes (so the ONNX model takes the same raw pixels as
 * Striate), and the class names go into metadata_props as a JSON array under "class_names".
 */
final class OnnxExporter implements OnnxOps {
    private final int opset;
    private final ProtoWriter graph = new ProtoWriter();
    private final Set<String> names = new HashSet<>();

    private OnnxExporter(int opset) { this.opset = opset; }

    static byte[] export(Graph model, int opset) {
        if (opset < Onnx.MIN_EXPORT_OPSET || opset > Onnx.MAX_EXPORT_OPSET) {
            throw new StriateException("Invalid ONNX opset " + opset + ". Expected " + Onnx.MIN_EXPORT_OPSET + " to " + Onnx.MAX_EXPORT_OPSET + ".");
        }
        OnnxExporter e = new OnnxExporter(opset);
        List<Node> nodes = model.nodes();
        String[] tensor = new String[nodes.size()];
        tensor[0] = e.normalisation(model);
        for (int i = 1; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            String[] in = n.inputs().stream().map(x -> tensor[x.index()]).toArray(String[]::new);
            tensor[i] = n.layer().toOnnx(e, in);
        }
        e.graph.string(2, "striate");
        e.graph.message(11, valueInfo("input", model.inputShape()));
        e.graph.message(12, valueInfo(tensor[nodes.size() - 1], model.outputShape()));
        ProtoWriter m = new ProtoWriter().varint(1, opset <= 14 ? 7 : 8).string(2, "striate").string(3, Onnx.VERSION).message(7, e.graph)
                .message(8, new ProtoWriter().string(1, "").varint(2, opset));
        if (model.classNames().length > 0) {
            m.message(14, new ProtoWriter().string(1, Onnx.CLASS_NAMES).string(2, Json.write(model.classNames())));
        }
        return m.toBytes();
    }

    /** Sub and Div by the per-channel mean and std, when the model has a normalisation. */
    private String normalisation(Graph model) {
        float[] mean = model.mean(), std = model.std();
        boolean none = mean.length == 1 && mean[0] == 0f && std.length == 1 && std[0] == 1f;
        if (none) return "input";
        int rank = model.inputShape().length + 1;
        String sub = node("Sub", "normalize_mean", new String[] {"input", floats("normalize.mean", mean, 0, dims(mean.length, rank))});
        return node("Div", "normalize_std", new String[] {sub, floats("normalize.std", std, 0, dims(std.length, rank))});
    }

    private static long[] dims(int c, int rank) {
        long[] d = new long[rank];
        Arrays.fill(d, 1);
        d[1] = c;
        return d;
    }

    private static ProtoWriter valueInfo(String name, int[] shape) {
        ProtoWriter s = new ProtoWriter().message(1, new ProtoWriter().string(2, "N"));
        for (int d : shape) s.message(1, new ProtoWriter().varint(1, d));
        ProtoWriter tensor = new ProtoWriter().varint(1, OnnxModel.FLOAT).message(2, s);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensor));
    }

    @Override
    public int opset() { return opset; }

    private String unique(String name) {
        if (!names.add(name)) throw new StriateException("Two ONNX tensors would be named '" + name + "'. Expected unique layer names.");
        return name;
    }

    @Override
    public String floats(String name, float[] data, int from, long... dims) {
        long n = 1;
        for (long d : dims) n *= d;
        ByteBuffer b = ByteBuffer.allocate((int) (4 * n)).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) b.putFloat(data[from + i]);
        return tensor(name, OnnxModel.FLOAT, dims, b.array());
    }

    @Override
    public String ints(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) b.putLong(v);
        return tensor(name, OnnxModel.INT64, new long[] {values.length}, b.array());
    }

    private String tensor(String name, int type, long[] dims, byte[] raw) {
        graph.message(5, tensorProto(unique(name), type, dims, raw));
        return name;
    }

    /** A TensorProto: dims, data type, name and the values little-endian in raw_data. */
    static ProtoWriter tensorProto(String name, int type, long[] dims, byte[] raw) {
        ProtoWriter t = new ProtoWriter();
        for (long d : dims) t.varint(1, d);
        return t.varint(2, type).string(8, name).bytes(9, raw);
    }

    @Override
    public String node(String op, String name, String[] inputs, Object... attributes) {
        ProtoWriter n = new ProtoWriter();
        for (String i : inputs) n.string(1, i);
        n.string(2, unique(name)).string(3, name).string(4, op);
        for (int i = 0; i + 1 < attributes.length; i += 2) n.message(5, attribute((String) attributes[i], attributes[i + 1]));
        graph.message(1, n);
        return name;
    }

    static ProtoWriter attribute(String name, Object v) {
        ProtoWriter a = new ProtoWriter().string(1, name);
        if (v instanceof Integer || v instanceof Long) return a.varint(3, ((Number) v).longValue()).varint(20, 2);
        if (v instanceof Float f) return a.float32(2, f).varint(20, 1);
        if (v instanceof String s) return a.string(4, s).varint(20, 3);
        if (v instanceof int[] ints) {
            for (int x : ints) a.varint(8, x);
            return a.varint(20, 7);
        }
        if (v instanceof long[] longs) {
            for (long x : longs) a.varint(8, x);
            return a.varint(20, 7);
        }
        if (v instanceof float[] fl) {
            for (float x : fl) a.float32(7, x);
            return a.varint(20, 6);
        }
        throw new IllegalArgumentException("attribute " + name + " of type " + v.getClass());
    }
}
