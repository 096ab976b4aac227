package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import org.striate.nn.Layer;
import org.striate.nn.Node;
import org.striate.nn.Graph;
import org.striate.tensor.Shapes;

/**
 * One row per layer (node) of a {@link Graph}: shape, parameters, multiply-adds, receptive field, memory,
 * and for every layer with weights and a window (Conv2d, LocallyConnected2d) the weights a Dense layer
 * with the same input and output sizes would need.
 *
 * <p>Memory is per sample, float32 (4 bytes): {@code forwardBytes} is the layer's output;
 * {@code backwardBytes} is what training must keep alive until this layer's backward runs, as each
 * layer says ({@link Layer#backwardBytesPerSample()}): its input for layers with parameters and
 * element-wise layers (ReLU needs x to know where it was positive), one int index per output for max
 * and min pooling (where the winner was), nothing for average pooling, Flatten and other layers that
 * only move values. In a stack each activation is the input of exactly one layer, so the column sums
 * to the training activation memory; in a graph a tensor read by two layers that both keep it counts twice.
 */
public record ModelSummary(int[] inputShape, List<Row> rows, List<UnseenInput> unseen) {
    // unseen: per windowed layer in its own coordinates, then (index −1) the model input pixels that reach no output

    /** {@code inputs}: the names of the nodes this layer reads (the model input is "input"). */
    public record Row(int index, String name, String type, List<String> inputs, int[] outputShape, long params, long macs,
                      ReceptiveField field, long forwardBytes, long backwardBytes, long denseWeights) {

        /** Dense weights over this layer's parameters; NaN when there is no comparison. */
        public double denseRatio() { return denseWeights < 0 || params == 0 ? Double.NaN : (double) denseWeights / params; }
    }

    static final int FLOAT_BYTES = 4;

    public static ModelSummary of(Graph model) {
        List<ReceptiveField> fields = ReceptiveField.of(model);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layer(i);
            int[] in = layer.inputShape(), out = layer.outputShape();
            long inSize = Shapes.size(in), outSize = Shapes.size(out);
            long dense = layer.window().isSpatial() && layer.paramCount() > 0 ? DenseComparison.denseWeights(inSize, outSize) : -1;
            List<String> inputs = new ArrayList<>();
            for (Node n : model.nodeOf(i).inputs()) inputs.add(n.name());
            rows.add(new Row(i, layer.name(), layer.type(), List.copyOf(inputs), out, layer.paramCount(), layer.macs(), fields.get(i),
                    outSize * FLOAT_BYTES, layer.backwardBytesPerSample(), dense));
        }
        List<UnseenInput> unseen = new ArrayList<>(UnseenInput.find(model));
        UnseenInput.modelInput(model).ifPresent(unseen::add);
        return new ModelSummary(model.inputShape(), List.copyOf(rows), List.copyOf(unseen));
    }

    public long totalParams() { return rows.stream().mapToLong(Row::params).sum(); }
    public long totalMacs() { return rows.stream().mapToLong(Row::macs).sum(); }
    /** Input plus every layer's output, per sample: what a forward pass writes. */
    public long totalForwardBytes() { return Shapes.size(inputShape) * (long) FLOAT_BYTES + rows.stream().mapToLong(Row::forwardBytes).sum(); }
    public long totalBackwardBytes() { return rows.stream().mapToLong(Row::backwardBytes).sum(); }

    /** 1,536 B; 3.1 KiB; 2.4 MiB. */
    public static String bytes(long n) {
        if (n < 1024) return n + " B";
        if (n < 1024L * 1024) return String.format("%.1f KiB", n / 1024.0);
        if (n < 1024L * 1024 * 1024) return String.format("%.1f MiB", n / (1024.0 * 1024));
        return String.format("%.2f GiB", n / (1024.0 * 1024 * 1024));
    }
}
