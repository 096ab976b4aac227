package org.striate.nn;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.striate.StriateException;

/**
 * The built-in models, written in the spec format of {@link LayerSpecs} so that what {@code striate
 * summary} prints, what a spec file holds and what the zoo builds are one and the same text.
 *
 * <ul>
 * <li>{@code lenet5}: LeCun's LeNet-5 with ReLU and max pooling, 61,706 parameters.</li>
 * <li>{@code fashion-cnn}: two 3×3 conv blocks and a 128-unit head, 421,642 parameters; the default
 *     Fashion-MNIST model. Both match {@code bench/torch_reference.py} layer for layer.</li>
 * <li>{@code mlp}: dense layers only, 418,060 parameters, about as many as fashion-cnn, for the
 *     CNN-versus-MLP comparisons.</li>
 * <li>{@code lc}: fashion-cnn with locally connected layers (no parameter sharing) in place of the
 *     convolutions.</li>
 * </ul>
 */
public final class Zoo {
    private Zoo() {}

    /** The input every built-in model takes unless told otherwise: one 28×28 grey channel. */
    private static final int[] DEFAULT_INPUT = {1, 28, 28};

    /** (1, 28, 28), a fresh copy. */
    public static int[] defaultInput() { return DEFAULT_INPUT.clone(); }

    private static final Map<String, String> SPECS = new LinkedHashMap<>();

    static {
        SPECS.put("lenet5", String.join("\n",
                "conv 6 5x5 pad=2", "relu", "maxpool 2",
                "conv 16 5x5", "relu", "maxpool 2",
                "flatten", "dense 120", "relu", "dense 84", "relu", "dense 10"));
        SPECS.put("fashion-cnn", String.join("\n",
                "conv 32 3x3 pad=1", "relu", "maxpool 2",
                "conv 64 3x3 pad=1", "relu", "maxpool 2",
                "flatten", "dense 128", "relu", "dense 10"));
        SPECS.put("mlp", String.join("\n",
                "flatten", "dense 500", "relu", "dense 50", "relu", "dense 10"));
        SPECS.put("lc", String.join("\n",
                "lc 32 3x3 pad=1", "relu", "maxpool 2",
                "lc 64 3x3 pad=1", "relu", "maxpool 2",
                "flatten", "dense 128", "relu", "dense 10"));
    }

    /** The names of the built-in models, in a fixed order. */
    public static List<String> names() { return List.copyOf(SPECS.keySet()); }

    public static boolean has(String name) { return SPECS.containsKey(name); }

    /** The layers of a built-in model in the spec format, without the input line. */
    public static String layers(String name) {
        String s = SPECS.get(name);
        if (s == null) {
            throw new StriateException("Unknown model '" + name + "'. Expected one of " + String.join(", ", names())
                    + ", or the path of a spec file or model file.");
        }
        return s + "\n";
    }

    /** The full spec of a built-in model for the default input. */
    public static String spec(String name) {
        return "input " + DEFAULT_INPUT[0] + "x" + DEFAULT_INPUT[1] + "x" + DEFAULT_INPUT[2] + "\n" + layers(name);
    }

    /** A built-in model for the given per-sample input, weights initialised from {@code seed}. */
    public static Sequential build(String name, int[] input, long seed) {
        return LayerSpecs.parse(layers(name), "model " + name, input).build(seed);
    }

    /** A built-in model for 1×28×28 input. */
    public static Sequential build(String name, long seed) { return build(name, DEFAULT_INPUT, seed); }
}
