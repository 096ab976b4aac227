package org.striate.lab;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;
import org.striate.nn.LayerSpecs;
import org.striate.nn.Sequential;

/**
 * The small models of the translation experiments, in the spec format, sized to train in seconds on
 * 28×28 images with the reference kernels. They differ in one thing each:
 * <ul>
 *   <li>{@code cnn}: two 3×3 convolutions, each followed by 2×2 max pooling, and a linear head;</li>
 *   <li>{@code cnn-blurpool}: the same with anti-aliased pooling as in Zhang 2019: the max taken densely
 *       (3×3 at stride 1, padded so the map keeps its size and stays periodic), then a binomial blur
 *       subsampled by 2;</li>
 *   <li>{@code lc}: the same windows without parameter sharing (locally connected);</li>
 *   <li>{@code mlp}: no windows at all, one hidden layer of 64 units.</li>
 * </ul>
 */
public final class LabModels {
    private LabModels() {}

    private static final Map<String, String> SPECS = new LinkedHashMap<>();

    static {
        SPECS.put("cnn", String.join("\n",
                "conv 8 3x3 pad=same", "relu", "maxpool 2",
                "conv 16 3x3 pad=same", "relu", "maxpool 2",
                "flatten", "dense 10"));
        SPECS.put("cnn-blurpool", String.join("\n",
                "conv 8 3x3 pad=same", "relu", "maxpool 3 stride=1 pad=1", "blurpool",
                "conv 16 3x3 pad=same", "relu", "maxpool 3 stride=1 pad=1", "blurpool",
                "flatten", "dense 10"));
        SPECS.put("lc", String.join("\n",
                "lc 8 3x3 pad=same", "relu", "maxpool 2",
                "lc 16 3x3 pad=same", "relu", "maxpool 2",
                "flatten", "dense 10"));
        SPECS.put("mlp", String.join("\n", "flatten", "dense 64", "relu", "dense 10"));
    }

    public static List<String> names() { return List.copyOf(SPECS.keySet()); }

    public static boolean has(String name) { return SPECS.containsKey(name); }

    /** The layers of a lab model, without the input line; the last dense layer has {@code classes} units. */
    public static String layers(String name, int classes) {
        String s = SPECS.get(name);
        if (s == null) {
            throw new StriateException("Unknown lab model '" + name + "'. Expected one of " + String.join(", ", names()) + ".");
        }
        return s.substring(0, s.lastIndexOf("dense 10")) + "dense " + classes + "\n";
    }

    public static Sequential build(String name, int[] input, int classes, long seed) {
        return LayerSpecs.parse(layers(name, classes), "lab model " + name, input).build(seed);
    }
}
