package org.striate.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.striate.StriateException;
import org.striate.nn.Dense;
import org.striate.nn.Graph;
import org.striate.nn.GraphBuilder;
import org.striate.nn.Layer;
import org.striate.nn.Node;
import org.striate.nn.ZeroPad2d;
import org.striate.onnx.ConstantFolder.Unsupported;
import org.striate.onnx.OnnxModel.ValueInfo;
import org.striate.onnx.Value.Act;
import org.striate.onnx.Value.Const;
import org.striate.onnx.Value.Failed;
import org.striate.onnx.Value.MatMul;
import org.striate.onnx.Value.Padded;

/**
 * Turns an {@link OnnxModel} into a Striate {@link Graph}: walks the nodes in order, folds what is
 * known at import time ({@link ConstantFolder}), maps each operator to layers ({@link OpMapper}) and
 * copies the weights. Every node that cannot be mapped is collected, and the import then fails once,
 * listing them all.
 */
final class OnnxImporter {
    static final long MIN_OPSET = 9, MAX_OPSET = 22;

    final String source;
    final long opset;
    final GraphBuilder builder = Graph.builder();
    private final Map<String, Value> values = new HashMap<>();
    private final Map<String, Integer> readers = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private final List<Object[]> weights = new ArrayList<>();
    final long staticBatch;
    final String inputName;
    final Node input;
    float[] mean, std;
    String normalised;

    private OnnxImporter(OnnxModel model, String source) {
        this.source = source;
        Long v = model.opsets().get("");
        if (v == null) throw new OnnxFormatException(source + " imports no version of the standard ONNX operator set. Expected an opset_import for the default domain (the file may be damaged).");
        opset = v;
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxFormatException(source + " uses ONNX opset " + opset + ". Expected opset " + MIN_OPSET + " to " + MAX_OPSET
                    + "; re-export with e.g. opset_version=17.");
        }
        Set<String> inits = new HashSet<>();
        for (OnnxModel.Tensor t : model.graph().initializers()) {
            inits.add(t.name());
            values.put(t.name(), t.floats() == null && t.longs() == null ? new Failed() : ConstantFolder.fromTensor(t, "initializer"));
        }
        List<ValueInfo> real = model.graph().inputs().stream().filter(i -> !inits.contains(i.name())).toList();
        if (real.size() != 1) {
            throw new OnnxFormatException(source + " has " + real.size() + " graph inputs (" + real.stream().map(ValueInfo::name).toList()
                    + "). Expected exactly one input, the image batch.");
        }
        ValueInfo in = real.get(0);
        long[] d = in.dims();
        if (in.elemType() != OnnxModel.FLOAT || d.length < 2) {
            throw new OnnxFormatException(source + ": input '" + in.name() + "' has element type " + in.elemType() + " and " + d.length
                    + " dimensions. Expected float32 with a batch dimension first, e.g. (N, 1, 28, 28).");
        }
        boolean channelsLast = LayoutOps.channelsLastInput(model.graph(), in.name(), d);
        int[] shape = new int[d.length - 1];
        long size = 1;
        for (int i = 1; i < d.length; i++) {
            if (d[i] <= 0 || d[i] > Integer.MAX_VALUE) {
                throw new OnnxFormatException(source + ": input '" + in.name() + "' has no fixed size in dimension " + i + " (" + Arrays.toString(d)
                        + "). Expected fixed sizes for all but the batch dimension; export with a fixed image size.");
            }
            shape[i - 1] = (int) d[i];
            size *= d[i];
        }
        if (size > Integer.MAX_VALUE) throw new OnnxFormatException(source + ": an input sample of " + size + " values is too large. Expected at most 2^31.");
        staticBatch = d[0];
        inputName = in.name();
        if (channelsLast) shape = new int[] {shape[2], shape[0], shape[1]}; // the model takes C×H×W, as every Striate model
        input = builder.input(shape);
        values.put(inputName, channelsLast ? new Value.ChannelsLast(new Act(input, shape), shape, false) : new Act(input, shape));
        for (OnnxModel.Node n : model.graph().nodes()) for (String i : n.inputs()) readers.merge(i, 1, Integer::sum);
        for (ValueInfo o : model.graph().outputs()) readers.merge(o.name(), 1, Integer::sum);
    }

    static Graph load(OnnxModel model, String source) {
        OnnxImporter im = new OnnxImporter(model, source);
        OpMapper ops = new OpMapper(im);
        for (OnnxModel.Node n : model.graph().nodes()) im.run(n, ops);
        List<ValueInfo> outs = model.graph().outputs();
        Act out = null;
        if (outs.size() != 1) {
            im.problems.add("the graph has " + outs.size() + " outputs; expected exactly one");
        } else if (im.problems.isEmpty()) {
            Value v = im.values.get(outs.get(0).name());
            if (v instanceof Value.ChannelsLast c && !c.flat()) v = c.inner(); // the model gives C×H×W maps, as it takes them
            if (v == null || v instanceof Const) im.problems.add("the output '" + outs.get(0).name() + "' is not computed from the input");
            else {
                try {
                    out = im.act(v);
                } catch (Unsupported | StriateException e) {
                    im.problems.add("the output '" + outs.get(0).name() + "': " + e.getMessage());
                }
            }
        }
        if (!im.problems.isEmpty()) {
            throw new OnnxFormatException(source + " (opset " + im.opset + ") cannot be imported: " + String.join("; ", im.problems)
                    + ". Expected the operators PyTorch and Keras write for CNNs (see the README's list); replace those parts of the model, or export them differently.");
        }
        if (out.node().isInput()) throw new OnnxFormatException(source + " has no layers: its output is its input.");
        im.builder.output(out.node());
        Graph g = im.builder.build(0);
        for (Object[] w : im.weights) {
            Layer layer = (Layer) w[0];
            float[] p = (float[]) w[1];
            System.arraycopy(p, 0, g.params(), layer.paramOffset(), p.length);
            if (w[2] != null) layer.loadState((float[]) w[2]);
        }
        if (im.mean != null || im.std != null) {
            int c = Math.max(im.mean == null ? 1 : im.mean.length, im.std == null ? 1 : im.std.length);
            g.normalization(im.mean == null ? new float[c] : im.mean, im.std == null ? filled(c) : im.std);
        }
        String names = model.metadata().get(Onnx.CLASS_NAMES);
        if (names != null) g.classNames(JsonStrings.parse(names, source));
        return g;
    }

    private static float[] filled(int c) {
        float[] f = new float[c];
        Arrays.fill(f, 1f);
        return f;
    }

    private void run(OnnxModel.Node n, OpMapper ops) {
        Value[] in = new Value[n.inputs().size()];
        boolean failed = false;
        for (int i = 0; i < in.length; i++) {
            String name = n.inputs().get(i);
            if (name.isEmpty()) continue;
            in[i] = values.get(name);
            if (in[i] == null) {
                problems.add(n.label() + ": input '" + name + "' is not produced by an earlier node (nodes must come in order)");
                failed = true;
            } else if (in[i] instanceof Failed) {
                failed = true;
            } else {
                in[i] = settled(in[i], readers(name), n.op());
            }
        }
        if (!failed) {
            try {
                if (!n.domain().isEmpty()) throw new Unsupported("an operator of the domain '" + n.domain() + "'");
                if (ConstantFolder.folds(n, in)) put(n, 0, ConstantFolder.fold(n, in, opset));
                else ops.map(n, in);
                return;
            } catch (Unsupported | StriateException e) {
                problems.add(n.label() + ": " + e.getMessage());
            } catch (ArithmeticException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                problems.add(n.label() + ": inconsistent attributes or inputs (" + e + ")");
            }
        }
        if (failed && (!n.domain().isEmpty() || !(OpMapper.OPS.contains(n.op()) || ConstantFolder.OPS.contains(n.op())))) {
            problems.add(n.label() + ": operator not supported");
        }
        for (String o : n.outputs()) values.put(o, new Failed());
    }

    /** A pending value as {@code op} reads it: still pending when that node alone reads it and can take it so, else complete. */
    private static Value settled(Value v, int readers, String op) {
        if (v instanceof Value.ChannelsLast c) return c.with(settled(c.inner(), readers, op));
        if (v instanceof Value.Unbiased u && (readers != 1 || !(op.equals("Add") || op.equals("Cast") || op.equals("Transpose")))) {
            return u.act(); // read by anything but one Add (of its bias), Cast or Transpose: the convolution stays without bias
        }
        if (v instanceof Value.Affine a && (readers != 1 || !ArithmeticOps.FOLDING.contains(op))) {
            return a.act(); // read by more than one node, or by one that does not fold into it: the affine layer is complete
        }
        return v;
    }

    void put(OnnxModel.Node n, int output, Value v) {
        if (output < n.outputs().size()) values.put(n.outputs().get(output), v);
        for (int i = output + 1; i < n.outputs().size(); i++) {
            String extra = n.outputs().get(i);
            if (!extra.isEmpty() && readers.containsKey(extra)) throw new Unsupported("output " + (i + 1) + " ('" + extra + "') is used, and only the first is supported");
        }
    }

    int readers(String tensor) { return readers.getOrDefault(tensor, 0); }

    /** What a tensor name stands for so far (null before the node that makes it). */
    Value value(String tensor) { return values.get(tensor); }

    /** The activations a value stands for, adding the layers a pending pad or matrix product needs. */
    Act act(Value v) {
        if (v instanceof Act a) return a;
        if (v instanceof Value.Unbiased u) return u.act();
        if (v instanceof Value.Affine a) return a.act();
        if (v instanceof Padded p) {
            Node n = add(new ZeroPad2d(p.top(), p.bottom(), p.left(), p.right()), p.name(), p.source().node());
            return new Act(n, n.shape());
        }
        if (v instanceof MatMul m) return dense(m, null);
        if (v instanceof Value.ChannelsLast) throw new Unsupported("a channels-last tensor (N, H, W, C), or one flattened in that order, where channels-first activations were expected");
        if (v instanceof Value.Negated) throw new Unsupported("Neg of activations (supported only around a MaxPool, as min pooling)");
        if (v instanceof Const) throw new Unsupported("a constant where activations were expected");
        throw new Unsupported("an input that failed to import");
    }

    Act dense(MatMul m, float[] bias) {
        Dense d = new Dense(m.units()).bias(bias != null);
        Node n = add(d, m.name(), m.source().node());
        float[] p = Arrays.copyOf(m.weights(), m.weights().length + (bias == null ? 0 : bias.length));
        if (bias != null) System.arraycopy(bias, 0, p, m.weights().length, bias.length);
        weights(d, p, null);
        return new Act(n, n.shape());
    }

    /** Adds a layer named after {@code preferred} when that name is free (and valid), else after its type. */
    Node add(Layer layer, String preferred, Node... inputs) {
        String name = LayerNames.sanitize(preferred);
        if (name != null && builder.node(name) == null) layer.named(name);
        return builder.add(layer, inputs);
    }

    void weights(Layer layer, float[] params, float[] state) { weights.add(new Object[] {layer, params, state}); }
}
