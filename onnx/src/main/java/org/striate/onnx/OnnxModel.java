package org.striate.onnx;

import java.util.List;
import java.util.Map;

/**
 * The parts of an ONNX model this reader uses, decoded from the protobuf by {@link OnnxDecoder}:
 * enough for CNN graphs, nothing that needs sub-graphs.
 */
record OnnxModel(long irVersion, String producer, Map<String, Long> opsets, Graph graph, Map<String, String> metadata) {

    static final int FLOAT = 1, INT32 = 6, INT64 = 7, DOUBLE = 11;

    /**
     * A tensor: float types decoded into {@code floats}, integer types into {@code longs}; other types
     * keep neither and are refused where they are used.
     */
    record Tensor(String name, int dataType, long[] dims, float[] floats, long[] longs) {
        long size() {
            long n = 1;
            for (long d : dims) n *= d;
            return n;
        }
    }

    /** One attribute; {@code type} is ONNX's AttributeType (1 float, 2 int, 3 string, 4 tensor, 5 graph, 6 floats, 7 ints, 8 strings). */
    record Attribute(String name, int type, float f, long i, String s, Tensor t, float[] floats, long[] ints) {}

    record Node(String op, String name, String domain, List<String> inputs, List<String> outputs, Map<String, Attribute> attributes) {
        /** The i-th input's name, or "" when absent (an omitted optional input). */
        String input(int i) { return i < inputs.size() ? inputs.get(i) : ""; }

        long intAttr(String key, long dflt) {
            Attribute a = attributes.get(key);
            return a == null ? dflt : a.i();
        }

        float floatAttr(String key, float dflt) {
            Attribute a = attributes.get(key);
            return a == null ? dflt : a.f();
        }

        String stringAttr(String key, String dflt) {
            Attribute a = attributes.get(key);
            return a == null ? dflt : a.s();
        }

        long[] intsAttr(String key) {
            Attribute a = attributes.get(key);
            return a == null ? null : a.ints();
        }

        String label() { return "'" + (name.isEmpty() ? outputs.isEmpty() ? "?" : outputs.get(0) : name) + "' (" + op + ")"; }
    }

    /** A graph input or output: element type and dimensions, −1 where a dimension has no fixed size. */
    record ValueInfo(String name, int elemType, long[] dims) {}

    record Graph(String name, List<Node> nodes, List<Tensor> initializers, List<ValueInfo> inputs, List<ValueInfo> outputs) {}
}
