package org.striate.nn;

/**
 * Where a layer writes itself as ONNX operators ({@link Layer#toOnnx}); the ONNX module implements it
 * and turns the result into a model file. Tensor names are strings; each node has one output, named
 * after the node.
 */
public interface OnnxOps {
    /** The operator set the model is written for (13 to 18). */
    int opset();

    /**
     * A float initializer holding {@code data[from, from + product(dims))} (copied), named {@code name};
     * returns the name.
     */
    String floats(String name, float[] data, int from, long... dims);

    /** A one-dimensional int64 initializer; returns its name. */
    String ints(String name, long... values);

    /**
     * A node of type {@code op} named {@code name} reading {@code inputs} ("" for an omitted optional
     * input); returns the name of its one output. Attributes come as name, value pairs, a value being an
     * Integer or Long, a Float, an int[] or long[], a float[] or a String.
     */
    String node(String op, String name, String[] inputs, Object... attributes);
}
