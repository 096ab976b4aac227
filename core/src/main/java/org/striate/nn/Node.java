package org.striate.nn;

import java.util.List;
import org.striate.tensor.Shapes;

/**
 * One node of a {@link Graph}: a layer applied to the outputs of earlier nodes, or the model input.
 * The functional builder returns nodes and takes them as the inputs of the next layer:
 * <pre>{@code
 * GraphBuilder g = Graph.builder();
 * Node x = g.input(1, 28, 28);
 * Node y = g.add(new Conv2d(8, 3).padding(Conv2d.SAME), x);
 * Node sum = g.add(new Add(), y, x);
 * }</pre>
 */
public final class Node {
    final GraphBuilder owner;
    final int index;
    final String name;
    final Layer layer;
    final Node[] inputs;
    final int[] shape;

    Node(GraphBuilder owner, int index, String name, Layer layer, Node[] inputs, int[] shape) {
        this.owner = owner;
        this.index = index;
        this.name = name;
        this.layer = layer;
        this.inputs = inputs;
        this.shape = shape;
    }

    public String name() { return name; }

    /** The layer, or null for the input node. */
    public Layer layer() { return layer; }

    public boolean isInput() { return layer == null; }

    /** The nodes this one reads, in order (empty for the input). */
    public List<Node> inputs() { return List.of(inputs); }

    /** Position in the graph's order: 0 is the input, then every node after all of its inputs. */
    public int index() { return index; }

    /** Per-sample output shape. */
    public int[] shape() { return shape.clone(); }

    @Override
    public String toString() { return "node '" + name + "' " + Shapes.str(shape); }
}
