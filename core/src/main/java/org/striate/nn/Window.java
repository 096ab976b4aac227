package org.striate.nn;

/**
 * How a layer maps positions along H and W, which is all the receptive-field arithmetic needs. Every
 * layer says which of these it is ({@link Layer#window()}); code that needs to know asks, instead of
 * guessing from shapes or switching on layer types.
 *
 * <ul>
 *   <li>{@link Kind#ELEMENTWISE}: output (c, h, w) depends on input positions (·, h, w) only: activations,
 *       BatchNorm, Dropout, Add, Concat, Identity;</li>
 *   <li>{@link Kind#SLIDING}: a kernel of {@code kH×kW} taps, dilated, moved by the stride over an input
 *       padded on each side: convolution, pooling, locally connected, blur pooling;</li>
 *   <li>{@link Kind#UPSAMPLING}: each output position reads a window of at most {@code kH×kW} input
 *       positions, and neighbouring outputs are {@code 1/factor} input positions apart: up-sampling and
 *       transposed convolution. The jump shrinks by the factor; the field's centre is not a linear
 *       function of the output index, so the start is undefined after such a layer. Padding, if any,
 *       is the number of cells cropped from each side of the full output;</li>
 *   <li>{@link Kind#GLOBAL}: every output depends on the whole input (Flatten, Dense, global pooling);</li>
 *   <li>{@link Kind#UNKNOWN}: the layer does not say (a user's layer that does not override
 *       {@link Layer#window()}); fields after it are reported as unknown rather than guessed.</li>
 * </ul>
 */
public record Window(Kind kind, int kH, int kW, int strideH, int strideW, int padH, int padW, int dilH, int dilW) {

    public enum Kind { ELEMENTWISE, SLIDING, UPSAMPLING, GLOBAL, UNKNOWN }

    public static final Window ELEMENTWISE = new Window(Kind.ELEMENTWISE, 1, 1, 1, 1, 0, 0, 1, 1);
    public static final Window GLOBAL = new Window(Kind.GLOBAL, 0, 0, 0, 0, 0, 0, 1, 1);
    public static final Window UNKNOWN = new Window(Kind.UNKNOWN, 0, 0, 0, 0, 0, 0, 1, 1);

    public static Window sliding(int kH, int kW, int strideH, int strideW, int padH, int padW, int dilH, int dilW) {
        return new Window(Kind.SLIDING, kH, kW, strideH, strideW, padH, padW, dilH, dilW);
    }

    /** Up-sampling by {@code factorH×factorW}, each output reading at most {@code spanH×spanW} inputs. */
    public static Window upsampling(int spanH, int spanW, int factorH, int factorW) {
        return upsampling(spanH, spanW, factorH, factorW, 0, 0);
    }

    /**
     * Up-sampling that also crops {@code padH×padW} cells from each side of its full output (a
     * transposed convolution's padding): output cell p is cell p + pad of the uncropped map, which
     * is what tells whether the output still lines up with whole input cells.
     */
    public static Window upsampling(int spanH, int spanW, int factorH, int factorW, int padH, int padW) {
        return new Window(Kind.UPSAMPLING, spanH, spanW, factorH, factorW, padH, padW, 1, 1);
    }

    /** Effective kernel extent along H: d·(k − 1) + 1 (for up-sampling, the input span). */
    public int extentH() { return dilH * (kH - 1) + 1; }
    public int extentW() { return dilW * (kW - 1) + 1; }

    /** True for a sliding window or up-sampling: the layer moves positions, not only values. */
    public boolean isSpatial() { return kind == Kind.SLIDING || kind == Kind.UPSAMPLING; }
}
