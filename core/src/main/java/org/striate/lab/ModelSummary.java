package org.striate.lab;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.striate.nn.Layer;
import org.striate.nn.Sequential;
import org.striate.tensor.Shapes;

/**
 * One row per layer of a {@link Sequential}: shape, parameters, multiply-adds, receptive field, memory,
 * and for every layer with weights and a window (Conv2d, LocallyConnected2d) the weights a Dense layer
 * with the same input and output sizes would need.
 *
 * <p>Memory is per sample, float32 (4 bytes): {@code forwardBytes} is the layer's output;
 * {@code backwardBytes} is what training must keep alive until this layer's backward runs — its input
 * for layers with parameters and element-wise layers (ReLU needs x to know where it was positive),
 * one int index per output for max and min pooling (where the winner was), nothing for average
 * pooling, Flatten and other layers that only move values. Each activation in a stack is the input of
 * exactly one layer, so the column sums to the training activation memory without double counting.
 */
public record ModelSummary(int[] inputShape, List<Row> rows, List<UnseenInput> unseen) {
    // unseen: per windowed layer in its own coordinates, then (index −1) the model input pixels that reach no output

    public record Row(int index, String name, String type, int[] outputShape, long params, long macs,
                      ReceptiveField field, long forwardBytes, long backwardBytes, long denseWeights) {

        /** Dense weights over this layer's parameters; NaN when there is no comparison. */
        public double denseRatio() { return denseWeights < 0 || params == 0 ? Double.NaN : (double) denseWeights / params; }
    }

    static final int FLOAT_BYTES = 4;

    public static ModelSummary of(Sequential model) {
        List<ReceptiveField> fields = ReceptiveField.of(model);
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < model.layers().size(); i++) {
            Layer layer = model.layer(i);
            int[] in = layer.inputShape(), out = layer.outputShape();
            long inSize = Shapes.size(in), outSize = Shapes.size(out);
            Optional<LayerWindow> window = LayerWindow.of(layer);
            long dense = window.isPresent() && layer.paramCount() > 0 ? DenseComparison.denseWeights(inSize, outSize) : -1;
            rows.add(new Row(i, layer.name(), layer.type(), out, layer.paramCount(), layer.macs(), fields.get(i),
                    outSize * FLOAT_BYTES, backwardBytes(layer, window, inSize, outSize), dense));
        }
        List<UnseenInput> unseen = new ArrayList<>(UnseenInput.find(model));
        UnseenInput.modelInput(model).ifPresent(unseen::add);
        return new ModelSummary(model.inputShape(), List.copyOf(rows), List.copyOf(unseen));
    }

    private static long backwardBytes(Layer layer, Optional<LayerWindow> window, long inSize, long outSize) {
        if (layer.paramCount() > 0) return inSize * FLOAT_BYTES;
        if (window.isPresent() && window.get().isPooling()) {
            return switch (window.get().pooling()) {
                case MAX, MIN -> outSize * Integer.BYTES;
                case AVG -> 0;
            };
        }
        boolean elementWise = Shapes.equal(layer.inputShape(), layer.outputShape());
        return elementWise ? inSize * FLOAT_BYTES : 0;
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
