package org.striate.lab;

import org.striate.StriateException;

/**
 * What a fully connected layer would cost where a convolution is used. The seed notes' example: a
 * 640×480 RGB image flattened into 128 dense units needs 3·480·640·128 = 117,964,800 weights; a 3×3
 * convolution with 128 filters needs 3·3·3·128 + 128 = 3,584 parameters, however large the image, because
 * each filter is small (sparse connectivity) and slides over every position (parameter sharing).
 *
 * @param input  the input shape (C, H, W)
 * @param units  dense units, and the number of filters of the convolution compared with
 * @param kernel the convolution's kernel size (square)
 */
public record DenseComparison(int[] input, int units, int kernel) {

    public DenseComparison {
        if (input.length != 3 || input[0] <= 0 || input[1] <= 0 || input[2] <= 0) {
            throw new StriateException("Invalid input shape for the dense comparison. Expected CxHxW with positive sizes, e.g. 3x480x640.");
        }
        if (units <= 0) throw new StriateException("Invalid value for `units`. Expected a strictly positive value. Received units=" + units + ".");
        if (kernel <= 0) throw new StriateException("Invalid value for `kernel`. Expected a strictly positive value. Received kernel=" + kernel + ".");
        if (kernel > Math.min(input[1], input[2])) {
            // a kernel larger than the image compares nothing a convolution does (and made the ratio read "0 times more")
            throw new StriateException("Invalid dense comparison " + input[0] + "x" + input[1] + "x" + input[2] + ":" + units + ":" + kernel
                    + ": a " + kernel + "x" + kernel + " kernel does not fit in the " + input[1] + "x" + input[2] + " input. Expected a kernel at most as large as the input.");
        }
        input = input.clone();
        try {
            long weights = Math.multiplyExact(Math.multiplyExact(Math.multiplyExact((long) input[0], input[1]), input[2]), units);
            Math.addExact(weights, units);
            Math.addExact(Math.multiplyExact(Math.multiplyExact((long) kernel * kernel, input[0]), units), units);
        } catch (ArithmeticException e) {
            throw new StriateException("Invalid dense comparison " + input[0] + "x" + input[1] + "x" + input[2] + ":" + units + ":" + kernel
                    + ": the parameter counts would not fit in 64 bits. Expected smaller sizes.");
        }
    }

    /** Weights of a dense layer from {@code in} inputs to {@code out} outputs (biases not counted). */
    public static long denseWeights(long in, long out) { return in * out; }

    /** Parses "CxHxW:UNITS" or "CxHxW:UNITS:K" (kernel 3 unless given), e.g. "3x480x640:128". */
    public static DenseComparison parse(String text) {
        String[] parts = text.trim().split(":");
        if (parts.length < 2 || parts.length > 3) throw invalid(text);
        String[] dims = parts[0].toLowerCase().split("x");
        if (dims.length != 3) throw invalid(text);
        try {
            int[] in = {Integer.parseInt(dims[0]), Integer.parseInt(dims[1]), Integer.parseInt(dims[2])};
            int units = Integer.parseInt(parts[1]);
            int k = parts.length == 3 ? Integer.parseInt(parts[2]) : 3;
            return new DenseComparison(in, units, k);
        } catch (NumberFormatException e) {
            throw invalid(text);
        }
    }

    private static StriateException invalid(String text) {
        return new StriateException("Invalid dense comparison '" + text + "'. Expected CxHxW:UNITS or CxHxW:UNITS:KERNEL, e.g. 3x480x640:128.");
    }

    public long inputSize() { return (long) input[0] * input[1] * input[2]; }

    /** The seed's figure: every input value connected to every unit. */
    public long denseWeights() { return denseWeights(inputSize(), units); }

    public long denseParams() { return denseWeights() + units; }

    /** K·K·C weights per filter, one bias per filter. */
    public long convParams() { return (long) kernel * kernel * input[0] * units + units; }

    /** How many times more parameters the dense layer needs. */
    public double ratio() { return (double) denseParams() / convParams(); }

    public String text() {
        return String.format("dense: %s inputs x %,d units = %,d weights (+%,d biases = %,d parameters)%n"
                        + "conv:  %dx%dx%d x %,d filters + %,d biases = %,d parameters%n"
                        + "the dense layer needs %s times more parameters; the conv layer's count does not depend on H and W",
                String.format("%dx%dx%d = %,d", input[0], input[1], input[2], inputSize()), units, denseWeights(), units, denseParams(),
                kernel, kernel, input[0], units, units, convParams(), String.format(ratio() < 100 ? "%,.1f" : "%,.0f", ratio()));
    }

    public String json() {
        return new JsonText().open()
                .field("input", input).field("units", units).field("kernel", kernel)
                .field("dense_weights", denseWeights()).field("dense_params", denseParams())
                .field("conv_params", convParams()).field("ratio", ratio())
                .close().toString();
    }
}
