package org.striate.bench;

import org.striate.StriateException;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Sequential;

/** The two reference models timed against PyTorch (bench/torch_reference.py builds the same). */
public final class BenchModels {
    private BenchModels() {}

    public static final String FASHION_CNN = """
            input 1x28x28
            conv 32 3x3 pad=1
            relu
            maxpool 2
            conv 64 3x3 pad=1
            relu
            maxpool 2
            flatten
            dense 128
            relu
            dense 10
            """;

    public static final String LENET5 = """
            input 1x28x28
            conv 6 5x5 pad=2
            relu
            maxpool 2
            conv 16 5x5
            relu
            maxpool 2
            flatten
            dense 120
            relu
            dense 84
            relu
            dense 10
            """;

    /** "fashion-cnn" or "lenet5", built with weights from {@code seed}. */
    public static Sequential build(String name, long seed) {
        String spec = switch (name) {
            case "fashion-cnn" -> FASHION_CNN;
            case "lenet5" -> LENET5;
            default -> throw new StriateException("Invalid value for argument `model`. Expected fashion-cnn or lenet5. Received model=" + name + ".");
        };
        return LayerSpecs.parse(spec, name, null).build(seed);
    }
}
