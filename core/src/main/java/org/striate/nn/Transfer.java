package org.striate.nn;

import java.util.List;
import org.striate.StriateException;

/**
 * Transfer learning on a trained model: a new head for another set of classes. Freezing itself is a
 * layer's flag ({@link Layer#trainable(boolean)}).
 */
public final class Transfer {
    private Transfer() {}

    /**
     * The same model with its last {@link Dense} layer replaced by a fresh one of {@code outputs} units
     * (same name and bias, weights drawn from {@code seed}); every other layer keeps its weights, state
     * and trainable flag, and the model its normalisation. The class names are dropped: they belonged to
     * the old head. Layers after the head (an activation, a softmax) are kept when their parameters do
     * not depend on its width.
     */
    public static Graph newHead(Graph model, int outputs, long seed) {
        if (outputs <= 0) throw Arguments.invalid("outputs", "a strictly positive value", "outputs=" + outputs);
        List<Node> nodes = model.nodes();
        int head = nodes.size() - 1;
        while (head > 0 && !(nodes.get(head).layer() instanceof Dense)) head--;
        if (head == 0) {
            throw new StriateException("The model has no dense layer to replace with a new head of " + outputs + " outputs. Expected a classifier"
                    + " whose last weights are a dense layer (Gemm or MatMul in ONNX).");
        }
        GraphBuilder b = Graph.builder();
        Node[] copies = new Node[nodes.size()];
        copies[0] = b.input(model.inputShape());
        for (int i = 1; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            Layer c = i == head ? ((Dense) n.layer()).withUnits(outputs) : n.layer().copy();
            if (c == null) {
                throw new StriateException("Layer '" + n.name() + "' (" + n.layer().type() + ") cannot copy itself, so the model cannot be rebuilt"
                        + " with a new head. Expected layers whose spec line reads back (register a layer of your own with LayerRegistry.register).");
            }
            Node[] in = new Node[n.inputs().size()];
            for (int k = 0; k < in.length; k++) in[k] = copies[n.inputs().get(k).index()];
            copies[i] = b.add(c.named(n.name()).trainable(i == head || n.layer().trainable()), in);
        }
        Graph g = b.build(seed);
        for (int i = 1; i < nodes.size(); i++) {
            if (i == head) continue;
            Layer from = nodes.get(i).layer(), to = copies[i].layer();
            if (from.paramCount() != to.paramCount()) {
                throw new StriateException("Layer '" + from.name() + "' (" + from.type() + ") after the head has " + from.paramCount() + " parameters for "
                        + "the old head's width but would need " + to.paramCount() + " for " + outputs + " outputs. Expected only layers without "
                        + "width-dependent weights after the last dense layer.");
            }
            System.arraycopy(model.params(), from.paramOffset(), g.params(), to.paramOffset(), from.paramCount());
            to.loadState(from.state());
        }
        return g.normalization(model.mean(), model.std());
    }
}
