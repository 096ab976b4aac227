package org.striate.nn;

import org.striate.StriateException;
import org.striate.tensor.ShapeException;
import org.striate.tensor.Shapes;

/** Constructor argument checks and shape errors shared by the layers, all in one Keras-style wording. */
final class Arguments {
    private Arguments() {}

    /** "Invalid value for argument `name`. Expected EXPECTED. Received RECEIVED." */
    static StriateException invalid(String name, String expected, String received) {
        return new StriateException("Invalid value for argument `" + name + "`. Expected " + expected + ". Received " + received + ".");
    }

    static int positive(String name, int value) {
        if (value <= 0) throw invalid(name, "a strictly positive value", name + "=" + value);
        return value;
    }

    static void positive(String name, int... values) {
        for (int v : values) {
            if (v <= 0) throw invalid(name, "strictly positive sizes", name + "=" + Shapes.compact(values));
        }
    }

    static void nonNegative(String name, int... values) {
        for (int v : values) {
            if (v < 0) throw invalid(name, "values >= 0 or 'same'", name + "=" + Shapes.compact(values));
        }
    }

    /** The per-sample input must have {@code rank} dimensions; {@code layout} reads like "(C, H, W)". */
    static void expectRank(Layer layer, int[] in, int rank, String layout, String hint) {
        if (in.length != rank) {
            throw new ShapeException("Layer '" + layer.name() + "' (" + layer.type() + ") expects input of shape " + layout
                    + " per sample but received " + Shapes.str(in) + "." + (hint.isEmpty() ? "" : " " + hint));
        }
    }

    /** "3" when both sizes agree, else "3x5": the spec format's way of writing a pair. */
    static String pair(int a, int b) { return a == b ? Integer.toString(a) : a + "x" + b; }

    static String triple(int a, int b, int c) { return a == b && b == c ? Integer.toString(a) : a + "x" + b + "x" + c; }
}
