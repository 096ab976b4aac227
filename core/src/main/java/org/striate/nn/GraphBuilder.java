package org.striate.nn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;
import org.striate.tensor.Shapes;

/**
 * Builds a {@link Graph} the way Keras's functional API does: declare the input, then apply layers
 * to nodes. Each layer's shapes are checked as it is added, so an impossible graph fails at the node
 * that makes it so, named in the message. Nodes can only refer to nodes added before them, so a
 * graph built here has no cycle; {@link #build} also refuses nodes that the output does not use.
 */
public final class GraphBuilder {
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> byName = new HashMap<>();
    private final Map<String, Integer> typeCounts = new HashMap<>();
    private Node output;

    GraphBuilder() {}

    /** Declares the per-sample input shape, e.g. (1, 28, 28); the first call on a builder. */
    public Node input(int... shape) {
        if (!nodes.isEmpty()) throw new StriateException("The graph already has an input; a graph takes exactly one input.");
        if (shape.length == 0) throw new StriateException("Invalid input shape (). Expected at least one dimension, e.g. (1, 28, 28).");
        for (int d : shape) {
            if (d <= 0) throw new StriateException("Invalid input shape " + Shapes.str(shape) + ". Expected dimensions > 0.");
        }
        Node n = new Node(this, 0, "input", null, new Node[0], shape.clone());
        nodes.add(n);
        byName.put(n.name, n);
        return n;
    }

    /**
     * Applies {@code layer} to {@code inputs} (one node for most layers, two or more for Add and
     * Concat) and returns the new node. The layer is named "type_k" unless it was given a name.
     */
    public Node add(Layer layer, Node... inputs) {
        if (nodes.isEmpty()) throw new StriateException("Declare the graph's input first, e.g. g.input(1, 28, 28).");
        if (layer.inputShape() != null) {
            throw new StriateException("Layer '" + layer.name() + "' (" + layer.type() + ") is already part of a model; create a new layer for each node.");
        }
        String name = layer.hasName() ? layer.name() : autoName(layer.type());
        if (byName.containsKey(name)) throw new StriateException("Two nodes are named '" + name + "'. Expected unique node names.");
        if (inputs.length == 0) throw new StriateException("Node '" + name + "' (" + layer.type() + ") has no inputs. Expected at least one earlier node.");
        int[][] shapes = new int[inputs.length][];
        for (int i = 0; i < inputs.length; i++) {
            Node in = inputs[i];
            if (in == null || in.owner != this) {
                throw new StriateException("Node '" + name + "' (" + layer.type() + "): input " + (i + 1) + " is not a node of this graph.");
            }
            shapes[i] = in.shape;
        }
        layer.named(name);
        int[] shape = layer.build(shapes);
        Node n = new Node(this, nodes.size(), name, layer, inputs.clone(), shape);
        nodes.add(n);
        byName.put(name, n);
        return n;
    }

    /** The auto name a layer of this type would get next: "conv2d_3", skipping names already taken. */
    String autoName(String type) {
        String stem = type.toLowerCase();
        String name;
        do {
            name = stem + "_" + typeCounts.merge(stem, 1, Integer::sum);
        } while (byName.containsKey(name));
        return name;
    }

    /**
     * For writing a spec: the name parsing would give the next node of this type, counted only when it
     * is {@code actual} (a line with name= does not count); {@code actual} is taken either way.
     */
    String autoNameFor(String type, String actual) {
        String stem = type.toLowerCase();
        int k = typeCounts.getOrDefault(stem, 0);
        String name;
        do {
            name = stem + "_" + ++k;
        } while (byName.containsKey(name));
        if (name.equals(actual)) typeCounts.put(stem, k);
        byName.put(actual, null);
        return name;
    }

    /** The node of that name (the input is "input"), or null. */
    public Node node(String name) { return byName.get(name); }

    /** Makes {@code node} the model's output; by default it is the last node added. */
    public GraphBuilder output(Node node) {
        if (node == null || node.owner != this) throw new StriateException("The output must be a node of this graph.");
        this.output = node;
        return this;
    }

    /** The nodes added so far, input first. */
    public List<Node> nodes() { return Collections.unmodifiableList(nodes); }

    /** The layers added so far, in order: lets a reader infer sizes before allocating. */
    public List<Layer> layers() {
        List<Layer> l = new ArrayList<>();
        for (Node n : nodes) if (n.layer != null) l.add(n.layer);
        return l;
    }

    public int[] inputShape() {
        if (nodes.isEmpty()) throw new StriateException("The graph has no input yet.");
        return nodes.get(0).shape.clone();
    }

    /** Builds and initialises the weights from {@code seed}: the same seed gives bit-identical weights. */
    public Graph build(long seed) {
        Graph g = new Graph(checkedNodes(), null, null);
        g.initParams(seed);
        return g;
    }

    public Graph build() { return build(42); }

    /** The nodes, after checking there is a layer and that every node leads to the output. */
    List<Node> checkedNodes() {
        if (nodes.size() < 2) throw new StriateException("The graph has no layers. Add at least one layer to its input.");
        Node out = output != null ? output : nodes.get(nodes.size() - 1);
        boolean[] used = new boolean[nodes.size()];
        used[out.index] = true;
        for (int i = out.index; i >= 0; i--) {
            if (used[i]) for (Node in : nodes.get(i).inputs) used[in.index] = true;
        }
        for (Node n : nodes) {
            if (!used[n.index]) {
                throw new StriateException("Node '" + n.name + "'" + (n.layer == null ? "" : " (" + n.layer.type() + ")")
                        + " does not lead to the output '" + out.name + "'. Connect it to a later node or remove it.");
            }
        }
        return List.copyOf(nodes.subList(0, out.index + 1));
    }
}
